'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';

// Better Auth's endpoint, called directly: the tasks page need not ship the auth client.
async function signOut(): Promise<boolean> {
  try {
    const response = await fetch('/api/auth/sign-out', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    return response.ok;
  } catch {
    return false;
  }
}

export function Header({ email }: { email: string }) {
  const router = useRouter();
  const [failed, setFailed] = useState(false);
  return (
    <header className="app-header">
      <span className="brand">Todo</span>
      <span className="user" aria-label="Signed in as">
        {email}
      </span>
      <button
        type="button"
        onClick={async () => {
          if (!(await signOut())) return setFailed(true);
          router.replace('/sign-in');
          router.refresh();
        }}
      >
        Sign out
      </button>
      {failed && (
        <p role="alert" className="field-error">
          Could not sign out; check your connection and retry.
        </p>
      )}
    </header>
  );
}
