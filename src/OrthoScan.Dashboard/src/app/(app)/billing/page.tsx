'use client';

import { BillingOverview } from '@/components/billing/BillingOverview';
import { usePageTitle } from '@/lib/usePageTitle';

export default function BillingPage() {
  usePageTitle('Billing');
  return (
    <div className="max-w-5xl">
      <BillingOverview />
    </div>
  );
}
