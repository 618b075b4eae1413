import { request } from './client';
import type { components, paths } from './schema';
import { taxonomyApi } from './taxonomy';

export type { Taxonomy, TaxonomyScore } from './taxonomy';

type Schemas = components['schemas'];

// The review screen's calls and types, apart from client.ts so the review queue stays one self-contained slice.
export type FeedItem = Schemas['ReviewFeedItem'];
export type FeedPage = Schemas['PageOfReviewFeedItem'];
export type ScanSession = Schemas['SessionResponse'];
export type ScanImage = Schemas['ImageResponse'];
export type ImageType = Schemas['ImageType'];
export type PreviousSession = Schemas['PreviousSession'];
export type TagBody = Schemas['TagSessionBody'];
export type TagResult = Schemas['TagSessionResponse'];
export type ReviewAction = Schemas['ReviewAction'];

/** One AI suggestion: a taxonomy score's key with one of its values ("1", ... or "not_applicable"), or detail_tag with a tag code. */
export type AiSuggestion = Schemas['AiSuggestionsSuggestion'];

export function aiSuggestionsOf(session: ScanSession): AiSuggestion[] {
  return session.aiSuggestions ?? [];
}

export interface ComplianceSummary {
  items: { patientId: string; daysOverdue: number }[];
  truncated: boolean;
}

const route = <P extends keyof paths>(path: P): P => path;
const withId = (template: string, id: string) => template.replace('{id}', encodeURIComponent(id));

export const reviewApi = {
  feed: (cursor: string | null, limit: number, signal?: AbortSignal) =>
    request<FeedPage>(route('/api/v1/dashboard/feed'), { query: { cursor, limit }, signal }),
  session: (id: string, signal?: AbortSignal) =>
    request<ScanSession>(withId(route('/api/v1/scans/sessions/{id}'), id), { signal }),
  taxonomy: taxonomyApi.get,
  tag: (id: string, body: TagBody) =>
    request<TagResult>(withId(route('/api/v1/scans/sessions/{id}/tags'), id), { method: 'POST', body }),
  overdue: (signal?: AbortSignal) =>
    request<ComplianceSummary>(route('/api/v1/dashboard/compliance'), { query: { overdueOnly: 'true' }, signal }),
};
