'use client';

import { PracticesOverview } from '@/components/admin/PracticesOverview';
import { PageHeader } from '@/components/ui';
import { usePageTitle } from '@/lib/usePageTitle';

export default function AdminPracticesPage() {
  usePageTitle('Practices');
  return (
    <>
      <PageHeader title="Practices" description="Every practice with its plan, status and activity. Counts and rates only: no patient is ever shown here." />
      <PracticesOverview />
    </>
  );
}
