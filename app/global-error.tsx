'use client';

import { ErrorNotice } from '@/components/layout/error-notice';
import './globals.css';

export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body>
        <ErrorNotice reference={error.digest} onRetry={reset} />
      </body>
    </html>
  );
}
