'use client';

import { useState } from 'react';
import { api } from '@/api/client';
import { asApiError, type ApiError } from '@/api/errors';
import type { DeadJob } from '@/api/types';
import { Button, Skeleton, LoadMore } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { useCursorPages } from '@/lib/useCursorPages';

const kindLabels: Record<string, string> = { 'scans.process-session': 'Scan processing' };
const subjectLabels: Record<string, string> = { scan_session: 'Scan' };

type Retry = { state: 'busy' } | { state: 'done'; reopened: boolean } | { state: 'refused'; error: ApiError };

function what(job: DeadJob): string {
  const kind = kindLabels[job.kind] ?? job.kind;
  if (!job.subject) return kind;
  return `${kind} · ${subjectLabels[job.subject.type] ?? job.subject.type} ${job.subject.id.slice(0, 8)}`;
}

function RetryCell({ job, retry, onRetry }: { job: DeadJob; retry: Retry | undefined; onRetry: () => void }) {
  if (retry?.state === 'done') {
    return (
      <p className="text-xs text-accent-900" role="status">
        {retry.reopened ? 'Queued again: the scan is processing again.' : 'Queued again. The scan was already back with the patient, so it is left as it is.'}
      </p>
    );
  }
  return (
    <div className="flex flex-col items-end gap-1">
      <Button variant="secondary" busy={retry?.state === 'busy'} onClick={onRetry} aria-label={`Retry ${what(job)}`}>Retry</Button>
      {retry?.state === 'refused' && <p role="alert" className="text-xs text-red-700">{retry.error.title}</p>}
    </div>
  );
}

/**
 * Owner only: background work of the practice that failed for good (a scan that could not be processed, say), with a
 * retry each. What it worked on has already been settled (the patient was asked to send the photos again).
 */
export function FailedJobs() {
  const { items, hasMore, loading, error, loadingMore, moreError, loadMore, reload } = useCursorPages<DeadJob>(
    (cursor, signal) => api.listDeadJobs(cursor, signal),
    'dead-jobs',
  );
  const [retries, setRetries] = useState<Record<string, Retry>>({});

  async function retry(job: DeadJob) {
    setRetries((r) => ({ ...r, [job.id]: { state: 'busy' } }));
    try {
      const result = await api.retryDeadJob(job.id);
      setRetries((r) => ({ ...r, [job.id]: { state: 'done', reopened: result.subjectReopened } }));
    } catch (e) {
      setRetries((r) => ({ ...r, [job.id]: { state: 'refused', error: asApiError(e) } }));
    }
  }

  if (loading) {
    return (
      <div className="flex flex-col gap-2" aria-busy="true" aria-label="Loading failed work">
        <Skeleton className="h-8 w-full" />
        <Skeleton className="h-8 w-full" />
      </div>
    );
  }
  if (error) {
    return (
      <div role="alert" className="flex flex-col items-start gap-2 rounded-md border border-red-200 px-4 py-3">
        <p className="text-sm font-medium text-slate-900">{error.title}</p>
        {error.detail && <p className="text-sm text-slate-600">{error.detail}</p>}
        <Button variant="secondary" onClick={reload}>Retry</Button>
      </div>
    );
  }
  if (items.length === 0) return <p className="text-sm text-slate-600">Nothing has failed. Work that fails for good shows here, with a retry.</p>;

  return (
    <div className="flex flex-col gap-3">
      <table className="w-full text-left text-sm">
        <thead className="text-xs text-slate-500">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium">What</th>
            <th scope="col" className="py-2 pr-3 font-medium">Why</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Attempts</th>
            <th scope="col" className="py-2 pr-3 font-medium">Failed</th>
            <th scope="col" className="py-2 text-right font-medium"><span className="sr-only">Action</span></th>
          </tr>
        </thead>
        <tbody>
          {items.map((job) => (
            <tr key={job.id} className="border-t border-slate-100 align-top" data-testid="dead-job">
              <td className="py-2 pr-3 font-medium text-slate-900">{what(job)}</td>
              <td className="py-2 pr-3 text-slate-700">{job.error}</td>
              <td className="py-2 pr-3 text-right tabular-nums text-slate-700">{job.attempts}</td>
              <td className="whitespace-nowrap py-2 pr-3 text-slate-700">
                <time dateTime={job.deadSince}>{formatDateTime(job.deadSince)}</time>
              </td>
              <td className="py-2 text-right">
                <RetryCell job={job} retry={retries[job.id]} onRetry={() => retry(job)} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <LoadMore hasMore={hasMore} error={moreError} busy={loadingMore} onLoadMore={loadMore} />
    </div>
  );
}
