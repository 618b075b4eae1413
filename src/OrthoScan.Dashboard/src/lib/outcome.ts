import { propertyName, scoreTone, valueLabel, type ScoreTone, type Taxonomy } from '@/api/taxonomy';
import type { ImageType, ScanSessionStatus, SessionOutcome } from '@/api/types';

export { humanise, type ScoreTone } from '@/api/taxonomy';

export interface OutcomeScore {
  /** The taxonomy's key, `overall_tracking`. */
  attribute: string;
  value: number | null;
  /** The score's label, the value and its words; not applicable without a value. */
  label: string;
  tone: ScoreTone;
}

/** A review's scores in the taxonomy's order and words; the outcome carries each in the field named after its key. */
export function outcomeScores(outcome: SessionOutcome, taxonomy: Taxonomy): OutcomeScore[] {
  const fields = outcome as unknown as Record<string, number | null | undefined>;
  return taxonomy.scores.map((score) => {
    const value = fields[propertyName(score.attribute)] ?? null;
    const words = valueLabel(taxonomy, score.attribute, value);
    return {
      attribute: score.attribute,
      value,
      label: value === null ? `${score.label} · ${words}` : `${score.label} ${value} · ${words}`,
      tone: scoreTone(score, value),
    };
  });
}

/**
 * What the doctor decided, in the words of the timeline. Approval moves the patient to the aligner after the one in
 * the scan, never past the last one.
 */
export function actionLabel(
  outcome: Pick<SessionOutcome, 'action' | 'holdDays'> & { stageAfter?: number | null },
  alignerNumber: number,
  totalStages?: number,
): string {
  switch (outcome.action) {
    case 'approve_progression': {
      // The review records the stage the patient moved to; older reviews without it fall back to the scan's aligner.
      const after = outcome.stageAfter ?? Math.min(alignerNumber + 1, totalStages ?? Number.MAX_SAFE_INTEGER);
      if (totalStages !== undefined && after >= totalStages && alignerNumber >= totalStages) return 'Approved · last aligner';
      return `Approved → aligner ${after}`;
    }
    case 'hold_aligner':
      return outcome.holdDays === 1 ? 'Hold 1 day' : outcome.holdDays ? `Hold ${outcome.holdDays} days` : 'Hold aligner';
    case 'message':
      return 'Message to patient';
    case 'schedule_appointment':
      return 'Appointment requested';
  }
}


export const sessionStatusLabels: Record<ScanSessionStatus, string> = {
  pending: 'Waiting for photos',
  processing: 'Processing',
  ready: 'Ready for review',
  needs_retake: 'Retake requested',
  reviewed: 'Reviewed',
  flagged: 'Flagged',
};

export const imageTypeLabels: Record<ImageType, string> = {
  frontal: 'Front',
  buccal_l: 'Left side',
  buccal_r: 'Right side',
  occlusal_u: 'Upper arch',
  occlusal_l: 'Lower arch',
};

/** A photo below this quality score gets a warning badge (0 unusable, 100 no problem found). */
export const lowQuality = 60;
