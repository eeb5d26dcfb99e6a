'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { type FormEvent, useState } from 'react';
import { authClient } from '../lib/auth-client';
import { useHydrated } from '../lib/use-hydrated';

export function AuthForm({ mode }: { mode: 'sign-in' | 'sign-up' }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const signUp = mode === 'sign-up';
  const hydrated = useHydrated();

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const email = String(form.get('email') ?? '').trim();
    const password = String(form.get('password') ?? '');
    const name = String(form.get('name') ?? '').trim() || email.split('@')[0] || email;
    if (!email || !password) return setError('Enter your email and password.');
    if (signUp && password.length < 8) return setError('Use at least 8 characters for the password.');
    setBusy(true);
    setError(null);
    let result: Awaited<ReturnType<typeof authClient.signIn.email>>;
    try {
      result = signUp
        ? await authClient.signUp.email({ email, password, name })
        : await authClient.signIn.email({ email, password });
    } catch {
      return setError('Cannot reach the server; check your connection and retry.');
    } finally {
      setBusy(false);
    }
    if (result.error) {
      setError(result.error.message ?? (signUp ? 'Could not create the account.' : 'Wrong email or password.'));
      return;
    }
    router.replace('/');
    router.refresh();
  }

  return (
    <main className="auth-page">
      <form className="auth-card" onSubmit={submit} noValidate aria-labelledby="auth-heading">
        <h1 id="auth-heading">{signUp ? 'Create your account' : 'Sign in'}</h1>
        <fieldset className="plain" disabled={!hydrated}>
        {signUp && (
          <div className="field">
            <label htmlFor="name">Name</label>
            <input id="name" name="name" autoComplete="name" />
          </div>
        )}
        <div className="field">
          <label htmlFor="email">Email</label>
          <input id="email" name="email" type="email" autoComplete="email" required />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete={signUp ? 'new-password' : 'current-password'}
            minLength={8}
            required
          />
        </div>
        </fieldset>
        {error && (
          <p role="alert" className="field-error">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy || !hydrated}>
          {signUp ? 'Sign up' : 'Sign in'}
        </button>
        <p className="muted">
          {signUp ? (
            <>
              Have an account? <Link href="/sign-in">Sign in</Link>
            </>
          ) : (
            <>
              New here? <Link href="/sign-up">Create an account</Link>
            </>
          )}
        </p>
      </form>
    </main>
  );
}
