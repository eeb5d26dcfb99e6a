'use client';

import { useEffect, useState } from 'react';

const DEV = process.env.NODE_ENV === 'development';

/**
 * Server-rendered, hidden by CSS for the first seconds, and removed once React hydrates: it
 * shows only when the page's scripts never ran (blocked, failed, or JavaScript off), which
 * otherwise leaves every form silently disabled. No script of its own, so no CSP exception.
 */
export function NotStartedNotice() {
  // Not useHydrated: this must render on the first client pass exactly as on the server.
  const [started, setStarted] = useState(false);
  useEffect(() => setStarted(true), []);
  if (started) return null;
  return (
    <div className="not-started" role="status" data-not-started>
      <p>
        <strong>This page has not started</strong>, so its forms stay disabled.
      </p>
      {/* CSS shows this one only when scripting is off (a <noscript> is not rendered when a tool
          turns scripts off after the parser has started, as browser tests do). */}
      <p className="if-no-script">JavaScript is turned off in this browser. Turn it on for this site, then reload.</p>
      <p>Reload the page. If it stays like this, check your connection, or an extension that blocks scripts.</p>
      {DEV && (
        <p>
          Development server: open it at <code>http://localhost:3000</code> or <code>http://127.0.0.1:3000</code>. By any
          other address Next.js blocks its scripts (add the host to <code>allowedDevOrigins</code> in{' '}
          <code>apps/web/next.config.ts</code>); the terminal running it says what it blocked.
        </p>
      )}
    </div>
  );
}
