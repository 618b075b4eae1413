'use client';

import { api } from '@/api/client';
import type { PracticeSummary } from '@/api/types';
import { RankedBars } from '@/components/analytics/Charts';
import { Card, EmptyState, ErrorState, Skeleton, StatusBadge, LoadMore } from '@/components/ui';
import { formatCount, formatRate } from '@/lib/analytics';
import { planLabels } from '@/lib/billing';
import { formatDate } from '@/lib/format';
import { useCursorPages } from '@/lib/useCursorPages';

/** The practices with the most scans in the last 28 days, for the chart; the table lists them all. */
const CHARTED = 10;

/** Every practice, aggregates only (never a patient): plan, status, active patients, scans, tagging rate. */
export function PracticesOverview() {
  const { items, hasMore, loading, error, loadingMore, moreError, loadMore, reload } = useCursorPages<PracticeSummary>(
    (cursor, signal) => api.listPractices(cursor, signal),
    'admin-practices',
  );

  if (loading) {
    return (
      <div className="flex flex-col gap-2" aria-busy="true" aria-label="Loading practices">
        <Skeleton className="h-48 w-full" />
        <Skeleton className="h-10 w-full" />
        <Skeleton className="h-10 w-full" />
      </div>
    );
  }
  if (error) return <ErrorState error={error} onRetry={reload} />;
  if (items.length === 0) return <EmptyState title="No practices yet">Practices appear here when they sign up.</EmptyState>;

  const busiest = [...items].sort((a, b) => b.scansLast28Days - a.scansLast28Days).slice(0, CHARTED);
  return (
    <div className="flex flex-col gap-6">
      <Card title={`Scans in the last 28 days${items.length > CHARTED ? ` (busiest ${CHARTED})` : ''}`}>
        <RankedBars data={busiest.map((p) => ({ label: p.name, count: p.scansLast28Days }))} valueName="Scans" testId="chart-practices" />
      </Card>
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Practices</caption>
          <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-3 py-2 font-medium">Practice</th>
              <th scope="col" className="px-3 py-2 font-medium">Plan</th>
              <th scope="col" className="px-3 py-2 font-medium">Status</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Active patients</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Scans 7 days</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Scans 28 days</th>
              <th scope="col" className="px-3 py-2 text-right font-medium">Tagging rate</th>
            </tr>
          </thead>
          <tbody>
            {items.map((p) => (
              <tr key={p.practiceId} className="border-t border-slate-100" data-testid="practice-row">
                <th scope="row" className="px-3 py-2 font-medium text-slate-900">
                  {p.name}
                  <span className="block text-xs font-normal text-slate-500">since {formatDate(p.createdAt)}</span>
                </th>
                <td className="px-3 py-2 text-slate-700">{planLabels[p.subscriptionTier]}</td>
                <td className="px-3 py-2"><StatusBadge status={p.status} /></td>
                <td className="px-3 py-2 text-right tabular-nums text-slate-900">{formatCount(p.activePatients)}</td>
                <td className="px-3 py-2 text-right tabular-nums text-slate-900">{formatCount(p.scansLast7Days)}</td>
                <td className="px-3 py-2 text-right tabular-nums text-slate-900">{formatCount(p.scansLast28Days)}</td>
                <td className="px-3 py-2 text-right tabular-nums text-slate-900">{formatRate(p.taggingRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LoadMore hasMore={hasMore} error={moreError} busy={loadingMore} onLoadMore={loadMore} />
    </div>
  );
}
