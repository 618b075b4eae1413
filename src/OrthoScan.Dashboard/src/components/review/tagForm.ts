import type { AiSuggestion, ReviewAction, ScanSession, TagBody, Taxonomy } from '@/api/review';
import { aiSuggestionsOf } from '@/api/review';

/** The three scores in the order a doctor decides them, with the body field each fills. */
export const scoreAttributes = ['overallTracking', 'alignerFit', 'oralHygiene'] as const;
export type ScoreAttribute = (typeof scoreAttributes)[number];

/** A score value: 1..3, or 'na' for "not applicable" (aligner fit only), or null while undecided. */
export type ScoreValue = number | 'na' | null;

export interface DetailChoice {
  code: string;
  location: string;
}

export interface TagFormState {
  scores: Record<ScoreAttribute, ScoreValue>;
  details: DetailChoice[];
  action: ReviewAction | null;
  holdDays: string;
  notes: string;
}

export interface AiMark {
  value: string;
  confidence: number;
  model: string;
}

/** What the AI suggested, per score attribute and per detail tag code, to pre-fill and mark the panel. */
export interface AiHints {
  scores: Partial<Record<ScoreAttribute, AiMark>>;
  details: Record<string, AiMark>;
}

const aiAttribute: Record<string, ScoreAttribute> = {
  overall_tracking: 'overallTracking',
  aligner_fit: 'alignerFit',
  oral_hygiene: 'oralHygiene',
};

export const actionLabels: Record<ReviewAction, string> = {
  approve_progression: 'Approve next aligner',
  hold_aligner: 'Hold aligner',
  message: 'Send message',
  schedule_appointment: 'Schedule appointment',
};

export const actionKeys: Record<ReviewAction, string> = {
  approve_progression: 'A',
  hold_aligner: 'H',
  message: 'M',
  schedule_appointment: 'S',
};

export const DEFAULT_HOLD_DAYS = '3';
export const MAX_HOLD_DAYS = 14;

export function aiHints(suggestions: AiSuggestion[]): AiHints {
  const hints: AiHints = { scores: {}, details: {} };
  for (const s of suggestions) {
    const mark = { value: s.value, confidence: s.confidence, model: `${s.modelName}@${s.modelVersion}` };
    if (s.attribute === 'detail_tag') hints.details[s.value] = mark;
    else if (aiAttribute[s.attribute]) hints.scores[aiAttribute[s.attribute]] = mark;
  }
  return hints;
}

function parseScore(value: string, attribute: ScoreAttribute): ScoreValue {
  if (value === 'not_applicable') return attribute === 'alignerFit' ? 'na' : null;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 3 ? n : null;
}

/** The panel for a freshly opened scan: AI suggestions pre-filled (agreeing costs nothing), everything else open. */
export function initialForm(session: ScanSession, taxonomy: Taxonomy | null): { form: TagFormState; hints: AiHints } {
  const hints = aiHints(aiSuggestionsOf(session));
  const known = new Set([...(taxonomy?.detailTags ?? []), ...(taxonomy?.customDetailTags ?? [])]);
  const scores = { overallTracking: null, alignerFit: null, oralHygiene: null } as Record<ScoreAttribute, ScoreValue>;
  for (const attribute of scoreAttributes) {
    const mark = hints.scores[attribute];
    if (mark) scores[attribute] = parseScore(mark.value, attribute);
  }
  const details = Object.keys(hints.details)
    .filter((code) => known.size === 0 || known.has(code))
    .sort()
    .map((code) => ({ code, location: '' }));
  return { form: { scores, details, action: null, holdDays: DEFAULT_HOLD_DAYS, notes: '' }, hints };
}

/** The first score still undecided, or null when all three are set. */
export function firstOpenScore(form: TagFormState): ScoreAttribute | null {
  return scoreAttributes.find((a) => form.scores[a] === null) ?? null;
}

export interface FormProblems {
  fields: Partial<Record<ScoreAttribute | 'action' | 'holdDays' | 'notes', string>>;
  first: ScoreAttribute | 'action' | 'holdDays' | 'notes' | null;
}

export function checkForm(form: TagFormState): FormProblems {
  const fields: FormProblems['fields'] = {};
  for (const a of scoreAttributes) {
    if (form.scores[a] === null) fields[a] = a === 'alignerFit' ? 'Choose 1 to 3, or 0 for not applicable.' : 'Choose 1 to 3.';
  }
  if (!form.action) fields.action = 'Choose an action: A, H, M or S.';
  if (form.action === 'hold_aligner') {
    const days = Number(form.holdDays);
    if (!Number.isInteger(days) || days < 1 || days > MAX_HOLD_DAYS) fields.holdDays = `Hold for 1 to ${MAX_HOLD_DAYS} days.`;
  }
  if (form.action === 'message' && form.notes.trim() === '') fields.notes = 'Write the message for the patient.';
  const order = [...scoreAttributes, 'action', 'holdDays', 'notes'] as const;
  return { fields, first: order.find((k) => fields[k]) ?? null };
}

export function toBody(form: TagFormState, taxonomyVersion: string, reviewOpenedAt: string): TagBody {
  const score = (v: ScoreValue) => (typeof v === 'number' ? v : null);
  return {
    taxonomyVersion,
    overallTracking: score(form.scores.overallTracking) ?? 0,
    alignerFit: score(form.scores.alignerFit),
    oralHygiene: score(form.scores.oralHygiene) ?? 0,
    detailTags: form.details.map((d) => ({ code: d.code, location: d.location || null })),
    action: form.action ?? 'approve_progression',
    holdDays: form.action === 'hold_aligner' ? Number(form.holdDays) : null,
    notes: form.notes.trim() === '' ? null : form.notes.trim(),
    reviewOpenedAt,
  };
}

/** "1 on track, 2 minor deviation, 3 off track" (the taxonomy's own words) -> labels per value. */
export function scoreLabels(description: string | undefined): Record<number, string> {
  const labels: Record<number, string> = {};
  for (const part of (description ?? '').split(/[,;]/)) {
    const m = /^\s*(\d)\s+(.+?)\s*$/.exec(part);
    if (m) labels[Number(m[1])] = m[2][0].toUpperCase() + m[2].slice(1);
  }
  return labels;
}

export const attributeTitles: Record<ScoreAttribute, string> = {
  overallTracking: 'Tracking',
  alignerFit: 'Aligner fit',
  oralHygiene: 'Hygiene',
};

export function humanise(code: string): string {
  const text = code.replace(/_/g, ' ');
  return text[0].toUpperCase() + text.slice(1);
}
