'use client';

import { useRouter } from 'next/navigation';
import { authClient } from '../lib/auth-client';

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
          await authClient.signOut();
          router.replace('/sign-in');
          router.refresh();
        }}
      >
        Sign out
      </button>
    </header>
  );
}
