'use client';

import { useState } from 'react';
import { useAuth } from '@/auth/AuthProvider';
import { WeeksPicker } from '@/components/analytics/AnalyticsDashboard';
import { ModelPage } from '@/components/ai/ModelPage';
import { PageHeader } from '@/components/ui';
import type { WeekChoice } from '@/lib/analytics';
import { usePageTitle } from '@/lib/usePageTitle';

export default function AiModelPage() {
  usePageTitle('AI model');
  const { claims } = useAuth();
  const [weeks, setWeeks] = useState<WeekChoice>(12);
  // Acceptance is the practice's doctors' own numbers: owners and doctors only (the API answers 403 to the others).
  const showAcceptance = claims?.role === 'owner' || claims?.role === 'doctor';
  return (
    <>
      <PageHeader
        title="AI model"
        description="The model that suggests tags on new scans, how it scored on held-out data, and how often your doctors keep its suggestions."
        actions={showAcceptance ? <WeeksPicker value={weeks} onChange={setWeeks} /> : undefined}
      />
      <ModelPage weeks={weeks} showAcceptance={showAcceptance} />
    </>
  );
}
