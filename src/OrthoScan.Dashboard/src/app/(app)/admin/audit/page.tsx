'use client';

import { AuditLog } from '@/components/admin/AuditLog';
import { PageHeader } from '@/components/ui';
import { usePageTitle } from '@/lib/usePageTitle';

export default function AdminAuditPage() {
  usePageTitle('Audit');
  return (
    <>
      <PageHeader title="Audit" description="What finance users and platform admins did, newest first, in a tamper-evident chain." />
      <AuditLog />
    </>
  );
}
