import type { Metadata, Viewport } from 'next';
import type { ReactNode } from 'react';
import { NotStartedNotice } from '../components/NotStartedNotice';
import './globals.css';

export const metadata: Metadata = {
  title: 'Todo AI Chatbot',
  description: 'Manage your tasks by hand or by talking to an assistant.',
};

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
