'use client';

import { useState } from 'react';
import { useAuth } from '@/auth/AuthProvider';
import { AnalyticsDashboard, WeeksPicker } from '@/components/analytics/AnalyticsDashboard';
import { PageHeader } from '@/components/ui';
import type { WeekChoice } from '@/lib/analytics';
import { usePageTitle } from '@/lib/usePageTitle';

export default function AnalyticsPage() {
  usePageTitle('Analytics');
  const { claims } = useAuth();
  const [weeks, setWeeks] = useState<WeekChoice>(12);
  // Staff see the practice's volumes but not tag analytics: the API answers 403, so the page does not ask.
  const showTags = claims?.role === 'owner' || claims?.role === 'doctor';
  return (
    <>
      <PageHeader
        title="Analytics"
        description="Scans received and reviewed, review speed and how scans were scored, week by week."
        actions={<WeeksPicker value={weeks} onChange={setWeeks} />}
      />
      <AnalyticsDashboard weeks={weeks} showTags={showTags} />
    </>
  );
}
