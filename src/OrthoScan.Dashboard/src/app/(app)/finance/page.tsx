'use client';

import { useAuth } from '@/auth/AuthProvider';
import { ForecastCard } from '@/components/finance/ForecastCard';
import { ProposalsTable } from '@/components/finance/ProposalsTable';
import { PageHeader } from '@/components/ui';
import { usePageTitle } from '@/lib/usePageTitle';

export default function FinancePage() {
  usePageTitle('Finance');
  const { claims } = useAuth();
  return (
    <>
      <PageHeader
        title="Tagging discounts"
        description="Each practice's share of scans tagged within 14 days, per month, and the discount it earns. A granted discount reaches the practice's next invoice."
      />
      <div className="flex flex-col gap-6">
        <ForecastCard />
        <ProposalsTable canDecide={claims?.role === 'finance'} />
      </div>
    </>
  );
}
