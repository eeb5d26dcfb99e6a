import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { NotStartedNotice } from '../components/NotStartedNotice';
import './globals.css';

export const metadata: Metadata = {
  title: 'Todo AI Chatbot',
  description: 'Manage your tasks by hand or by talking to an assistant.',
};

// Every page is rendered per request: its scripts carry that request's CSP nonce (src/proxy.ts),
// which a page prerendered at build time could not.
export const dynamic = 'force-dynamic';

export const viewport: Viewport = { width: 'device-width', initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <NotStartedNotice />
        {children}
      </body>
    </html>
  );
}
