'use client';

import { ComingSoon } from '@/components/ComingSoon';

export default function PracticesPage() {
  return <ComingSoon title="Practices" icon="practices" description="An overview of every practice on the platform (plan, status, activity counts) will appear here. Patient identities are never shown." />;
}
