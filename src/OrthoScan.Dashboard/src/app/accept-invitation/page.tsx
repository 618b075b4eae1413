'use client';

import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense } from 'react';
import { useAuth } from '@/auth/AuthProvider';
import { homeFor } from '@/auth/navigation';
import { AcceptInvitationForm } from '@/components/auth/AcceptInvitationForm';
import { PublicShell } from '@/components/PublicShell';
import { tokenStore } from '@/auth/tokenStore';
import { decodeClaims } from '@/auth/jwt';
import { usePageTitle } from '@/lib/usePageTitle';

function Accept() {
  const params = useSearchParams();
  const router = useRouter();
  useAuth();
  usePageTitle('Accept invitation');
  return (
    <AcceptInvitationForm
      initialCode={params.get('code') ?? ''}
      onSignedIn={() => {
        const token = tokenStore.get();
        router.replace(homeFor(token ? (decodeClaims(token)?.role ?? null) : null));
      }}
    />
  );
}

export default function AcceptInvitationPage() {
  return (
    <PublicShell>
      <Suspense>
        <Accept />
      </Suspense>
    </PublicShell>
  );
}
