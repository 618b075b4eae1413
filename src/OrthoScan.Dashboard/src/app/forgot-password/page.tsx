'use client';

import { ForgotPasswordForm } from '@/components/auth/ForgotPasswordForm';
import { PublicShell } from '@/components/PublicShell';
import { usePageTitle } from '@/lib/usePageTitle';

export default function ForgotPasswordPage() {
  usePageTitle('Forgot password');
  return (
    <PublicShell>
      <ForgotPasswordForm />
    </PublicShell>
  );
}
