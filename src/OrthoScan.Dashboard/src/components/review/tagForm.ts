import type { AiSuggestion, ReviewAction, ScanSession, TagBody, Taxonomy, TaxonomyScore } from '@/api/review';
import { aiSuggestionsOf } from '@/api/review';
import { NOT_APPLICABLE, propertyName, scoreOf } from '@/api/taxonomy';

/** A taxonomy score's key (`overall_tracking`): the form, the AI hints and the panel's groups are keyed by it. */
export type ScoreAttribute = string;

/** A score value: a number in the taxonomy's range, 'na' for "not applicable" (where allowed), or null while undecided. */
export type ScoreValue = number | 'na' | null;

export interface DetailChoice {
  code: string;
  location: string;
}

export interface TagFormState {
  /** One entry per taxonomy score, in the taxonomy's order (the order a doctor decides them). */
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

/** The keyboard's letter per action (the labels come from the taxonomy). */
export const actionKeys: Record<ReviewAction, string> = {
  approve_progression: 'A',
  hold_aligner: 'H',
  message: 'W',
  schedule_appointment: 'S',
};

export const DEFAULT_HOLD_DAYS = '3';

export function aiHints(suggestions: AiSuggestion[]): AiHints {
  const hints: AiHints = { scores: {}, details: {} };
  for (const s of suggestions) {
    const mark = { value: s.value, confidence: s.confidence, model: `${s.modelName}@${s.modelVersion}` };
    // Suggestions name scores by the taxonomy's keys; initialForm keeps only the ones the taxonomy has.
    if (s.attribute === 'detail_tag') hints.details[s.value] = mark;
    else hints.scores[s.attribute] = mark;
  }
  return hints;
}

/** A value as the API spells it ("2", "not_applicable") as a choice of this score, or null when it is not one. */
export function parseScore(value: string, score: TaxonomyScore): ScoreValue {
  if (value === NOT_APPLICABLE) return score.notApplicableAllowed ? 'na' : null;
  const n = Number(value);
  return Number.isInteger(n) && n >= score.min && n <= score.max ? n : null;
}

/** The choices of a score in order: every value of the taxonomy, not applicable as 'na'. */
export function scoreChoices(score: TaxonomyScore): ScoreValue[] {
  return score.values.map((v) => parseScore(v.value, score)).filter((v) => v !== null);
}

/** A digit typed on a score: its value, '0' for not applicable where allowed; undefined when the key means nothing there. */
export function scoreForKey(taxonomy: Taxonomy, attribute: ScoreAttribute, key: string): ScoreValue | undefined {
  const score = scoreOf(taxonomy, attribute);
  if (!score || !/^\d$/.test(key)) return undefined;
  return (key === '0' ? parseScore(NOT_APPLICABLE, score) : parseScore(key, score)) ?? undefined;
}

/** The panel for a freshly opened scan: AI suggestions pre-filled (agreeing costs nothing), everything else open. */
export function initialForm(session: ScanSession, taxonomy: Taxonomy | null): { form: TagFormState; hints: AiHints } {
  const hints = aiHints(aiSuggestionsOf(session));
  const known = new Set([...(taxonomy?.detailTags ?? []), ...(taxonomy?.customDetailTags ?? [])].map((t) => t.code));
  const scores: Record<ScoreAttribute, ScoreValue> = {};
  for (const score of taxonomy?.scores ?? []) {
    const mark = hints.scores[score.attribute];
    scores[score.attribute] = mark ? parseScore(mark.value, score) : null;
  }
  const details = Object.keys(hints.details)
    .filter((code) => known.size === 0 || known.has(code))
    .sort()
    .map((code) => ({ code, location: '' }));
  return { form: { scores, details, action: null, holdDays: DEFAULT_HOLD_DAYS, notes: '' }, hints };
}

/** The first score still undecided, or null when all are set. */
export function firstOpenScore(form: TagFormState): ScoreAttribute | null {
  return Object.keys(form.scores).find((a) => form.scores[a] === null) ?? null;
}

export interface FormProblems {
  /** Keyed by score attribute, or 'action', 'holdDays', 'notes'. */
  fields: Record<string, string>;
  first: string | null;
}

function rangeHint(score: TaxonomyScore): string {
  return score.notApplicableAllowed ? `Choose ${score.min} to ${score.max}, or 0 for not applicable.` : `Choose ${score.min} to ${score.max}.`;
}

export function checkForm(form: TagFormState, taxonomy: Taxonomy): FormProblems {
  const fields: FormProblems['fields'] = {};
  for (const score of taxonomy.scores) {
    if ((form.scores[score.attribute] ?? null) === null) fields[score.attribute] = rangeHint(score);
  }
  if (!form.action) fields.action = 'Choose an action: A, H, M or S.';
  if (form.action === 'hold_aligner') {
    const days = Number(form.holdDays);
    const { min, max } = taxonomy.holdDays;
    if (!Number.isInteger(days) || days < min || days > max) fields.holdDays = `Hold for ${min} to ${max} days.`;
  }
  if (form.action === 'message' && form.notes.trim() === '') fields.notes = 'Write the message for the patient.';
  const order = [...taxonomy.scores.map((s) => s.attribute), 'action', 'holdDays', 'notes'];
  return { fields, first: order.find((k) => fields[k]) ?? null };
}

type ScoreFields = Pick<TagBody, 'overallTracking' | 'alignerFit' | 'oralHygiene'>;

export function toBody(form: TagFormState, taxonomyVersion: string, reviewOpenedAt: string): TagBody {
  // Each score goes into the body field named after its key; not applicable is null.
  const scores = Object.fromEntries(
    Object.entries(form.scores).map(([attribute, v]) => [propertyName(attribute), typeof v === 'number' ? v : null]),
  ) as unknown as ScoreFields;
  return {
    taxonomyVersion,
    ...scores,
    detailTags: form.details.map((d) => ({ code: d.code, location: d.location || null })),
    action: form.action ?? 'approve_progression',
    holdDays: form.action === 'hold_aligner' ? Number(form.holdDays) : null,
    notes: form.notes.trim() === '' ? null : form.notes.trim(),
    reviewOpenedAt,
  };
}
