'use client';
// Shown when the root layout itself fails. Next's built-in page styles itself inline, which
// the CSP refuses, so this one uses the app's stylesheet.
import './globals.css';

export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <main className="auth-page">
          <section className="auth-card" role="alert">
            <h1>Something went wrong</h1>
            <p className="muted">The page could not be shown.{error.digest ? ` Reference: ${error.digest}` : ''}</p>
            <button type="button" onClick={reset}>
              Try again
            </button>
          </section>
        </main>
      </body>
    </html>
  );
}
