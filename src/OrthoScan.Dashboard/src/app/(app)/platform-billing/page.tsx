'use client';

import { ComingSoon } from '@/components/ComingSoon';

export default function PlatformBillingPage() {
  return <ComingSoon title="Billing overview" icon="billing" description="Subscriptions and revenue across practices will be summarised here." />;
}
