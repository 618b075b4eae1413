import type { Taxonomy, TaxonomyScore } from '@/api/taxonomy';
import { json, type Call } from './http';

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

/** What `GET /tags/taxonomy` answers for taxonomy 2026.1 (a few detail tags and regions only). */
export const taxonomy: Taxonomy = {
  version: '2026.1',
  scores: [
    scale('overall_tracking', 'Tracking', ['On track', 'Minor deviation', 'Off track']),
    scale('aligner_fit', 'Aligner fit', ['Fully seated', 'Small gaps', 'Unseated'], 'Not applicable'),
    scale('oral_hygiene', 'Hygiene', ['Good', 'Fair', 'Poor']),
  ],
  detailTags: [
    { code: 'attachment_lost', label: 'Attachment lost' },
    { code: 'aligner_unseated', label: 'Aligner unseated' },
    { code: 'plaque', label: 'Plaque' },
  ],
  customDetailTags: [],
  locations: [
    { code: 'upper', label: 'Upper arch' },
    { code: 'lower', label: 'Lower arch' },
    { code: '11', label: 'Tooth 11' },
    { code: '21', label: 'Tooth 21' },
  ],
  toothNumbering: 'fdi',
  actions: [
    { action: 'approve_progression', label: 'Approve next aligner' },
    { action: 'hold_aligner', label: 'Hold aligner' },
    { action: 'message', label: 'Send message' },
    { action: 'schedule_appointment', label: 'Schedule appointment' },
  ],
  holdDays: { min: 1, max: 14 },
};

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
