'use client';

import { useEffect, useState } from 'react';
import { ResetPasswordForm, tokenFromHash } from '@/components/auth/ResetPasswordForm';
import { PublicShell } from '@/components/PublicShell';
import { usePageTitle } from '@/lib/usePageTitle';

export default function ResetPasswordPage() {
  usePageTitle('Reset password');
  // undefined until mounted: the static export has no URL fragment to read at build time.
  const [token, setToken] = useState<string | null | undefined>(undefined);

  useEffect(() => {
    setToken(tokenFromHash(window.location.hash));
    // The token is read once; keep it out of the address bar and the browser history.
    if (window.location.hash) window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }, []);

  return (
    <PublicShell>
      {token === undefined ? (
        <p role="status" className="text-sm text-slate-600">
          Reading the link…
        </p>
      ) : (
        <ResetPasswordForm token={token} />
      )}
    </PublicShell>
  );
}
