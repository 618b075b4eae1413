'use client';

import { DevMailbox } from '@/components/dev/DevMailbox';
import { PublicShell } from '@/components/PublicShell';
import { usePageTitle } from '@/lib/usePageTitle';

export default function DevMailboxPage() {
  usePageTitle('Dev mailbox');
  return (
    <PublicShell wide>
      <DevMailbox />
    </PublicShell>
  );
}
