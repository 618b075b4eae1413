'use client';

import { ComingSoon } from '@/components/ComingSoon';

export default function AnalyticsPage() {
  return <ComingSoon title="Analytics" icon="analytics" description="Weekly scan volumes, review times and treatment progress across your practice will be charted here." />;
}
