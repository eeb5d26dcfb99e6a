// Our own 404 page: Next's built-in one styles itself inline, which the CSP refuses.
import Link from 'next/link';

export const metadata = { title: 'Not found · Todo' };

export default function NotFound() {
  return (
    <main className="auth-page">
      <section className="auth-card">
        <h1>Page not found</h1>
        <p className="muted">There is nothing at this address.</p>
        <p>
          <Link href="/">Back to your tasks</Link>
        </p>
      </section>
    </main>
  );
}
