'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { useAuth } from '@/auth/AuthProvider';
import { homeFor } from '@/auth/navigation';
import { CenteredLoading } from '@/components/PublicShell';

/** `/` sends each role to its start page, or to sign-in when no session can be restored. */
export default function Home() {
  const { status, claims } = useAuth();
  const router = useRouter();
  useEffect(() => {
    if (status === 'signed-in') router.replace(homeFor(claims?.role ?? null));
    if (status === 'signed-out') router.replace('/signin/');
  }, [status, claims, router]);
  return <CenteredLoading label="Opening OrthoScan" />;
}
