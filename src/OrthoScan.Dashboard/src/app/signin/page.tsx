'use client';

import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense, useEffect } from 'react';
import { useAuth } from '@/auth/AuthProvider';
import { IDLE_LOGOFF_MINUTES } from '@/auth/idleLogoff';
import { homeFor, safeNext } from '@/auth/navigation';
import { SignInForm } from '@/components/auth/SignInForm';
import { PublicShell } from '@/components/PublicShell';
import { usePageTitle } from '@/lib/usePageTitle';

function SignIn() {
  const params = useSearchParams();
  const router = useRouter();
  const { status, claims } = useAuth();
  usePageTitle('Sign in');

  const next = safeNext(params.get('next'));
  // A restored session (refresh cookie) or a finished sign-in goes back to where the user wanted to be.
  useEffect(() => {
    if (status === 'signed-in') router.replace(next ?? homeFor(claims?.role ?? null));
  }, [status, claims, next, router]);

  const notice = params.get('idle')
    ? `You were signed out after ${IDLE_LOGOFF_MINUTES} minutes without activity, to keep patient data safe. Sign in again to continue where you were.`
    : params.get('expired')
    ? 'Your session ended. Sign in again to continue where you were.'
    : params.get('signedout')
      ? 'You have signed out.'
      : null;

  return <SignInForm notice={notice} onSignedIn={() => undefined} />;
}

export default function SignInPage() {
  return (
    <PublicShell>
      <Suspense>
        <SignIn />
      </Suspense>
    </PublicShell>
  );
}
