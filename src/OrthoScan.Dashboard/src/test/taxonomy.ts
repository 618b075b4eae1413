import type { Taxonomy, TaxonomyScore } from '@/api/taxonomy';
import { json, type Call } from './http';
import served from './taxonomy.json';

const scale = (attribute: string, label: string, words: string[], notApplicable?: string): TaxonomyScore => ({
  attribute,
  label,
  min: 1,
  max: words.length,
  notApplicableAllowed: notApplicable !== undefined,
  values: [
    ...words.map((w, i) => ({ value: String(i + 1), label: w })),
    ...(notApplicable !== undefined ? [{ value: 'not_applicable', label: notApplicable }] : []),
  ],
});

/**
 * What `GET /tags/taxonomy` answers for a new practice, verbatim: the API test
 * `TaxonomyTests.The_dashboard_test_fixture_is_the_served_taxonomy` fails when the file differs from what is served.
 */
export const taxonomy = served as Taxonomy;

/**
 * A different vocabulary, as a later taxonomy version could serve: other words, a five-point hygiene score that allows
 * not applicable, tracking without it, other actions' words and hold limits. Screens must follow it without a code change.
 */
export const otherTaxonomy: Taxonomy = {
  ...taxonomy,
  version: '2027.1',
  scores: [
    scale('overall_tracking', 'Progress', ['Tracking well', 'Lagging', 'Not tracking']),
    scale('aligner_fit', 'Seating', ['Seated', 'Gaps', 'Lifted'], 'No aligner in'),
    scale('oral_hygiene', 'Plaque control', ['Excellent', 'Good', 'Fair', 'Poor', 'Very poor'], 'Not visible'),
  ],
  detailTags: [{ code: 'plaque', label: 'Plaque build-up' }],
  customDetailTags: [{ code: 'retainer_missing', label: 'Retainer missing' }],
  actions: [
    { action: 'approve_progression', label: 'Next aligner' },
    { action: 'hold_aligner', label: 'Keep aligner' },
    { action: 'message', label: 'Write to patient' },
    { action: 'schedule_appointment', label: 'Book a visit' },
  ],
  holdDays: { min: 2, max: 10 },
};

/** A fetch handler that answers `GET /tags/taxonomy` with the given taxonomy and hands every other call to `handler`. */
export function servingTaxonomy(handler: (call: Call) => Response | Promise<Response>, served: Taxonomy = taxonomy) {
  return (call: Call) => (call.url.startsWith('/api/v1/tags/taxonomy') ? json(200, served) : handler(call));
}
