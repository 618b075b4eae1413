'use client';

import { ComingSoon } from '@/components/ComingSoon';

export default function BillingPage() {
  return <ComingSoon title="Billing" icon="billing" description="Your subscription, invoices and tagging-rate discounts will be managed here." />;
}
