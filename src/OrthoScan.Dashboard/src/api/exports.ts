import { request } from './client';
import type { components, paths } from './schema';

/* Issue 13's training-data exports (platform admin), with the generated OpenAPI types. */

type Schemas = components['schemas'];
const route = <P extends keyof paths>(path: P): P => path;

export type TagExport = Schemas['ExportView'];
export type TagExportStatus = Schemas['TagExportStatus'];
export type TagExportReport = Schemas['ExportReport'];
export interface StartTagExportBody {
  includeImages: boolean;
  includeFrontal: boolean;
  /** Left out: the API draws one and answers it. */
  seed?: number;
  k: number;
}
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const EXPORTS_PAGE_SIZE = 20;

export const exportsApi = {
  list: (cursor: string | null, signal?: AbortSignal) =>
    request<Page<TagExport>>(route('/api/v1/tags/export'), { query: { cursor, limit: EXPORTS_PAGE_SIZE }, signal }),
  get: (id: string, signal?: AbortSignal) =>
    request<TagExport>(route('/api/v1/tags/export/{id}').replace('{id}', encodeURIComponent(id)), { signal }),
  /** The key makes a double click or a retried request start one export, not two. */
  start: (body: StartTagExportBody, idempotencyKey: string) =>
    request<TagExport>(route('/api/v1/tags/export'), { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } }),
};
