import { request } from './client';
import type { components, paths } from './schema';

type Schemas = components['schemas'];

/**
 * The versioned tag vocabulary (`GET /tags/taxonomy`): the only source of score ranges, the words for every value,
 * detail tags, locations, actions and hold-day limits. Keys are snake_case values (`overall_tracking`,
 * `not_applicable`), as everywhere in the API; a score's field in the tag body is the camelCase of its key.
 */
export type Taxonomy = Schemas['GetTaxonomyResponse'];
export type TaxonomyScore = Schemas['TaxonomyScore'];
export type TaxonomyTerm = Schemas['TaxonomyTerm'];

export const NOT_APPLICABLE = 'not_applicable';

const route = <P extends keyof paths>(path: P): P => path;

export const taxonomyApi = {
  get: (signal?: AbortSignal) => request<Taxonomy>(route('/api/v1/tags/taxonomy'), { signal }),
};

/** `overall_tracking` -> `overallTracking`: the tag body's and the validation errors' name for a score. */
export function propertyName(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `attachment_lost` -> "Attachment lost": for codes the taxonomy no longer lists (a practice's removed tag). */
export function humanise(code: string): string {
  const words = code.replace(/[_-]+/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : code;
}

export function scoreOf(taxonomy: Taxonomy, attribute: string): TaxonomyScore | undefined {
  return taxonomy.scores.find((s) => s.attribute === attribute);
}

/** The attribute's label ("Tracking"); the key in words when the taxonomy does not have it. */
export function attributeLabel(taxonomy: Taxonomy, attribute: string): string {
  return scoreOf(taxonomy, attribute)?.label ?? humanise(attribute);
}

/** A score value as analytics and AI suggestions spell it: a number, or null for not applicable. */
export function scoreValueKey(value: number | string | null): string {
  return value === null ? NOT_APPLICABLE : String(value);
}

/** The taxonomy's words for one value of a score; the value itself when the taxonomy has no word for it. */
export function valueLabel(taxonomy: Taxonomy, attribute: string, value: number | string | null): string {
  const key = scoreValueKey(value);
  return scoreOf(taxonomy, attribute)?.values.find((v) => v.value === key)?.label ?? key;
}

/** The label of a detail tag (core or the practice's own) or a location. */
export function termLabel(terms: TaxonomyTerm[], code: string): string {
  return terms.find((t) => t.code === code)?.label ?? humanise(code);
}

export function detailTagLabel(taxonomy: Taxonomy, code: string): string {
  return termLabel([...taxonomy.detailTags, ...taxonomy.customDetailTags], code);
}

export function actionLabel(taxonomy: Taxonomy, action: string): string {
  return taxonomy.actions.find((a) => a.action === action)?.label ?? humanise(action);
}

export type ScoreTone = 'good' | 'fair' | 'poor' | 'none';

/** The best value of a score is good, the worst poor, anything between fair; not applicable has no tone. */
export function scoreTone(score: Pick<TaxonomyScore, 'min' | 'max'> | undefined, value: number | string | null): ScoreTone {
  const n = value === null || value === NOT_APPLICABLE ? NaN : Number(value);
  if (!score || !Number.isInteger(n) || n < score.min || n > score.max) return 'none';
  if (n === score.min) return 'good';
  return n === score.max ? 'poor' : 'fair';
}
