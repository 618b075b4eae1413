'use client';

import { PlatformBillingOverview } from '@/components/admin/PlatformBillingOverview';
import { PageHeader } from '@/components/ui';
import { usePageTitle } from '@/lib/usePageTitle';

export default function AdminBillingPage() {
  usePageTitle('Billing');
  return (
    <>
      <PageHeader title="Billing" description="Monthly recurring revenue by plan, practices past due, and tagging discounts per period." />
      <PlatformBillingOverview />
    </>
  );
}
