'use client';

import { ComingSoon } from '@/components/ComingSoon';
import { ButtonLink } from '@/components/ui';

export default function ReviewQueuePage() {
  return (
    <ComingSoon title="Review queue" icon="review" description="Patients' scans will wait here for review, one per screen, with keyboard tagging. Until then, manage patients and invite them to the app.">
      <ButtonLink href="/patients/" variant="secondary">Go to patients</ButtonLink>
    </ComingSoon>
  );
}
