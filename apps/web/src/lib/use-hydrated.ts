'use client';
import { useEffect, useState } from 'react';

/**
 * False in the server-rendered HTML and until React has hydrated. Forms stay disabled until
 * then, so nothing typed before the page is interactive can be lost.
 */
export function useHydrated(): boolean {
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return hydrated;
}
