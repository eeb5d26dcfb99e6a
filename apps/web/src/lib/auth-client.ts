'use client';
// Better Auth in the browser: talks to /api/auth on this origin.
import { createAuthClient } from 'better-auth/react';

export const authClient = createAuthClient();
