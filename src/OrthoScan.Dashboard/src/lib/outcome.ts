import type { ImageType, ReviewAction, ScanSessionStatus, SessionOutcome } from '@/api/types';

export type ScoreAttribute = 'overallTracking' | 'alignerFit' | 'oralHygiene';
export type ScoreTone = 'good' | 'fair' | 'poor' | 'none';

/** The taxonomy's scores: 1 is the best, 3 the worst (taxonomy 2026.1). */
export const scoreNames: Record<ScoreAttribute, string> = {
  overallTracking: 'Tracking',
  alignerFit: 'Fit',
  oralHygiene: 'Hygiene',
};

const scoreWords: Record<ScoreAttribute, Record<string, string>> = {
  overallTracking: { '1': 'on track', '2': 'minor deviation', '3': 'off track' },
  alignerFit: { '1': 'fully seated', '2': 'small gaps', '3': 'unseated', not_applicable: 'not applicable' },
  oralHygiene: { '1': 'good', '2': 'fair', '3': 'poor' },
};

/** "on track" for overall tracking 1; the value itself when the taxonomy has no word for it. */
export function scoreWord(attribute: ScoreAttribute, value: number | string | null): string {
  const key = value === null ? 'not_applicable' : String(value);
  return scoreWords[attribute][key] ?? key;
}

export function scoreTone(value: number | null): ScoreTone {
  if (value === 1) return 'good';
  if (value === 2) return 'fair';
  if (value === 3) return 'poor';
  return 'none';
}

export interface OutcomeScore {
  attribute: ScoreAttribute;
  value: number | null;
  /** "Tracking 1 · on track" */
  label: string;
  tone: ScoreTone;
}

export function outcomeScores(outcome: SessionOutcome): OutcomeScore[] {
  return (['overallTracking', 'alignerFit', 'oralHygiene'] as const).map((attribute) => {
    const value = outcome[attribute];
    return {
      attribute,
      value,
      label: value === null ? `${scoreNames[attribute]} n/a` : `${scoreNames[attribute]} ${value} · ${scoreWord(attribute, value)}`,
      tone: scoreTone(value),
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

export const actionNames: Record<ReviewAction, string> = {
  approve_progression: 'Approve progression',
  hold_aligner: 'Hold aligner',
  message: 'Message',
  schedule_appointment: 'Schedule appointment',
};

/** `attachment_lost` -> "Attachment lost"; a practice's own codes read the same way. */
export function humanise(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : code;
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
