'use client';

import { useRouter } from 'next/navigation';
import { SignUpForm } from '@/components/auth/SignUpForm';
import { PublicShell } from '@/components/PublicShell';
import { usePageTitle } from '@/lib/usePageTitle';

export default function SignUpPage() {
  const router = useRouter();
  usePageTitle('Create your practice');
  return (
    <PublicShell wide>
      <SignUpForm onSignedIn={() => router.replace('/welcome/')} />
    </PublicShell>
  );
}
