'use client';

import { ComingSoon } from '@/components/ComingSoon';

export default function DiscountApprovalsPage() {
  return <ComingSoon title="Discount approvals" icon="discounts" description="Each billing period's tagging-rate discounts will be listed here for review and approval. Only counts and rates are shown, never patients." />;
}
