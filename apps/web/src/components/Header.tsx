'use client';

import { useRouter } from 'next/navigation';

// Better Auth's endpoint, called directly: the tasks page need not ship the auth client.
async function signOut(): Promise<void> {
  await fetch('/api/auth/sign-out', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
}

export function Header({ email }: { email: string }) {
  const router = useRouter();
  return (
    <header className="app-header">
      <span className="brand">Todo</span>
      <span className="user" aria-label="Signed in as">
        {email}
      </span>
      <button
        type="button"
        onClick={async () => {
          await signOut();
          router.replace('/sign-in');
          router.refresh();
        }}
      >
        Sign out
      </button>
    </header>
  );
}
