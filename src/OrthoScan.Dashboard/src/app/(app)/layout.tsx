'use client';

import { usePathname, useRouter } from 'next/navigation';
import { useEffect, type ReactNode } from 'react';
import { useAuth } from '@/auth/AuthProvider';
import { canOpen, dashboardRoles, homeFor, roleLabels } from '@/auth/navigation';
import { AppShell } from '@/components/AppShell';
import { CenteredLoading } from '@/components/PublicShell';
import { Button, ButtonLink, EmptyState } from '@/components/ui';

/** Every signed-in page: restores the session, sends the signed-out to /signin?next=…, checks the role. */
export default function SignedInLayout({ children }: { children: ReactNode }) {
  const { status, claims, signedOutReason, signOut } = useAuth();
  const pathname = usePathname();
  const router = useRouter();

  useEffect(() => {
    if (status !== 'signed-out') return;
    if (signedOutReason === 'signed-out') {
      router.replace('/signin/?signedout=1');
      return;
    }
    const next = encodeURIComponent(`${pathname}${window.location.search}`);
    const why = signedOutReason === 'expired' ? '&expired=1' : signedOutReason === 'idle' ? '&idle=1' : '';
    router.replace(`/signin/?next=${next}${why}`);
  }, [status, signedOutReason, pathname, router]);

  if (status !== 'signed-in') return <CenteredLoading label={status === 'restoring' ? 'Restoring your session' : 'Redirecting to sign-in'} />;

  const role = claims?.role ?? null;
  if (!role || !dashboardRoles.includes(role)) {
    return (
      <div className="mx-auto max-w-lg px-4 py-16">
        <EmptyState
          icon="alert"
          title="This dashboard is for practice teams"
          action={<Button variant="secondary" onClick={() => void signOut()}>Sign out</Button>}
        >
          {role === 'patient'
            ? 'Your account signs in through the OrthoScan patient app instead.'
            : `You are signed in as ${role ? roleLabels[role].toLowerCase() : 'an account without a role'}; the dashboard's screens are for practice teams, finance and platform admins.`}
        </EmptyState>
      </div>
    );
  }

  return (
    <AppShell>
      {canOpen(pathname, role) ? (
        children
      ) : (
        <EmptyState icon="alert" title="Not available for your role" action={<ButtonLink href={homeFor(role)} variant="secondary">Go to your start page</ButtonLink>}>
          This page is not part of what your role works on.
          {role === 'finance' || role === 'platform_admin' ? ' Platform roles never see patients or a practice\'s own pages.' : ' Ask your practice owner if you think you need it.'}
        </EmptyState>
      )}
    </AppShell>
  );
}
