'use client';

import Link from 'next/link';
import { useMemo, useState, type ReactNode } from 'react';
import { api } from '@/api/client';
import { attributeLabel, humanise, scoreOf, scoreTone, valueLabel, type Taxonomy } from '@/api/taxonomy';
import type { ComplianceItem } from '@/api/types';
import { Icon } from '@/components/icons';
import { ScoreChip } from '@/components/ScoreChip';
import { Button, ButtonLink, cx, EmptyState, ErrorState, Notice, PageHeader, Skeleton, StatusBadge } from '@/components/ui';
import {
  dueLabel,
  filterCompliance,
  nextSort,
  sortCompliance,
  summarise,
  type ComplianceSort,
  type ComplianceSortKey,
  type ComplianceStatusFilter,
} from '@/lib/compliance';
import { formatDate, formatDateTime, frequencyLabels } from '@/lib/format';
import { usePageTitle } from '@/lib/usePageTitle';
import { useResource } from '@/lib/useResource';
import { useTaxonomy } from '@/lib/useTaxonomy';

const sortLabels: Record<ComplianceSortKey, string> = {
  name: 'patient name',
  daysOverdue: 'days overdue',
  missedScans: 'missed scans',
  lastScan: 'last scan',
};

function TableSkeleton() {
  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white" aria-busy="true" aria-label="Loading compliance">
      {Array.from({ length: 6 }).map((_, i) => (
        <div key={i} className="flex items-center gap-6 border-b border-slate-100 px-4 py-3 last:border-0">
          <Skeleton className="h-4 w-40" />
          <Skeleton className="h-4 w-28" />
          <Skeleton className="h-4 w-12" />
          <Skeleton className="hidden h-4 w-24 md:block" />
          <Skeleton className="ml-auto h-5 w-20 rounded" />
        </div>
      ))}
    </div>
  );
}

function Figure({ label, value, hint, tone = 'plain' }: { label: string; value: number; hint: string; tone?: 'plain' | 'warn' }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className={cx('mt-1 text-2xl font-semibold tabular-nums', tone === 'warn' && value > 0 ? 'text-amber-700' : 'text-slate-900')}>{value}</dd>
      <dd className="text-xs text-slate-500">{hint}</dd>
    </div>
  );
}

function SortHeader({ label, column, sort, onSort, className, align = 'left' }: {
  label: string; column: ComplianceSortKey; sort: ComplianceSort; onSort: (key: ComplianceSortKey) => void; className?: string; align?: 'left' | 'right';
}) {
  const active = sort.key === column;
  const ariaSort = active ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none';
  return (
    <th scope="col" aria-sort={ariaSort} className={cx('px-4 py-2', align === 'right' && 'text-right', className)}>
      <button
        type="button"
        onClick={() => onSort(column)}
        className={cx(
          'inline-flex items-center gap-1 rounded uppercase tracking-wide hover:text-slate-800',
          active ? 'text-slate-800' : 'text-slate-500',
        )}
      >
        {label}
        <span aria-hidden="true" className={cx('text-[10px]', !active && 'opacity-0')}>{sort.direction === 'asc' || !active ? '▲' : '▼'}</span>
      </button>
    </th>
  );
}

function DueCell({ item }: { item: ComplianceItem }) {
  const overdue = item.daysOverdue > 0;
  return (
    <div className="flex flex-col">
      <span className={cx('font-medium tabular-nums', overdue ? 'text-amber-800' : 'text-slate-700')} data-testid="due-label">
        {item.status === 'paused' ? 'Paused' : dueLabel(item.daysOverdue)}
      </span>
      <span className="text-xs text-slate-500">Due {formatDate(item.dueOn)}</span>
    </div>
  );
}

/** The score the compliance trend carries (the API's `trend` is the last overall-tracking scores). */
const TREND_ATTRIBUTE = 'overall_tracking';

/** Overall tracking of the last reviews, oldest to newest, so the trend reads left to right; the words are the taxonomy's. */
function TrendChips({ trend, taxonomy }: { trend: number[]; taxonomy: Taxonomy | null }) {
  if (trend.length === 0) return <span className="text-xs text-slate-500">No reviews yet</span>;
  const oldestFirst = [...trend].reverse();
  // Until the taxonomy is here the chips show the bare numbers.
  const words = (v: number) => (taxonomy ? valueLabel(taxonomy, TREND_ATTRIBUTE, v) : '');
  const score = taxonomy ? scoreOf(taxonomy, TREND_ATTRIBUTE) : undefined;
  const name = taxonomy ? attributeLabel(taxonomy, TREND_ATTRIBUTE) : humanise(TREND_ATTRIBUTE);
  return (
    <span className="inline-flex items-center gap-1" aria-label={`${name}, oldest to newest: ${oldestFirst.map((v) => `${v} ${words(v)}`.trim()).join(', ')}`}>
      {oldestFirst.map((value, i) => (
        <ScoreChip key={i} tone={scoreTone(score, value)} title={words(value) || undefined}>{value}</ScoreChip>
      ))}
    </span>
  );
}

function Filters({ search, setSearch, status, setStatus, overdueOnly, setOverdueOnly }: {
  search: string; setSearch: (v: string) => void; status: ComplianceStatusFilter; setStatus: (v: ComplianceStatusFilter) => void;
  overdueOnly: boolean; setOverdueOnly: (v: boolean) => void;
}) {
  return (
    <div className="mb-4 flex flex-wrap items-end gap-3" role="search" aria-label="Filter compliance">
      <div className="flex min-w-[16rem] flex-1 flex-col gap-1">
        <label htmlFor="compliance-search" className="text-sm font-medium text-slate-800">Search by name</label>
        <div className="relative">
          <Icon name="search" className="pointer-events-none absolute left-3 top-1/2 -translate-y-1/2 text-slate-400" width={16} height={16} />
          <input
            id="compliance-search"
            type="search"
            data-shortcut-search
            placeholder="e.g. Garcia or Ana"
            className="h-9 w-full rounded-md border border-slate-300 bg-white pl-9 pr-12 text-sm placeholder:text-slate-400 hover:border-slate-400"
            value={search}
            maxLength={100}
            onChange={(e) => setSearch(e.target.value)}
          />
          <kbd className="pointer-events-none absolute right-2 top-1/2 -translate-y-1/2 rounded border border-slate-300 px-1 text-[11px] text-slate-500" aria-hidden="true">/</kbd>
        </div>
      </div>
      <div className="flex flex-col gap-1">
        <label htmlFor="compliance-status" className="text-sm font-medium text-slate-800">Status</label>
        <select
          id="compliance-status"
          className="h-9 rounded-md border border-slate-300 bg-white px-3 pr-8 text-sm hover:border-slate-400"
          value={status}
          onChange={(e) => setStatus(e.target.value as ComplianceStatusFilter)}
        >
          <option value="">Active and paused</option>
          <option value="active">Active</option>
          <option value="paused">Paused</option>
        </select>
      </div>
      <label className="flex h-9 items-center gap-2 rounded-md border border-slate-300 bg-white px-3 text-sm text-slate-800 hover:border-slate-400">
        <input
          type="checkbox"
          className="h-4 w-4 rounded border-slate-300 accent-accent-700"
          checked={overdueOnly}
          onChange={(e) => setOverdueOnly(e.target.checked)}
        />
        Overdue only
      </label>
    </div>
  );
}

export default function CompliancePage() {
  usePageTitle('Compliance');
  const [overdueOnly, setOverdueOnly] = useState(false);
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<ComplianceStatusFilter>('');
  const [sort, setSort] = useState<ComplianceSort>({ key: 'daysOverdue', direction: 'desc' });
  const compliance = useResource((signal) => api.compliance({ overdueOnly }, signal), String(overdueOnly));
  const taxonomy = useTaxonomy();

  const all = useMemo(() => compliance.data?.items ?? [], [compliance.data]);
  const rows = useMemo(() => sortCompliance(filterCompliance(all, { search, status }), sort), [all, search, status, sort]);
  const summary = useMemo(() => summarise(all), [all]);
  const filtered = search.trim() !== '' || status !== '';

  let body: ReactNode;
  if (compliance.loading) body = <TableSkeleton />;
  else if (compliance.error) body = <ErrorState error={compliance.error} onRetry={compliance.reload} />;
  else if (all.length === 0)
    body = overdueOnly ? (
      <EmptyState icon="check" title="Nobody is overdue" action={<Button variant="secondary" onClick={() => setOverdueOnly(false)}>Show everyone</Button>}>
        Every active patient has scanned on schedule. Untick &ldquo;Overdue only&rdquo; to see who is due next.
      </EmptyState>
    ) : (
      <EmptyState icon="patients" title="No patients in treatment" action={<ButtonLink href="/patients/new/">Add a patient</ButtonLink>}>
        Active and paused patients appear here with the date their next scan is due.
      </EmptyState>
    );
  else if (rows.length === 0)
    body = (
      <EmptyState icon="search" title="No patients match" action={<Button variant="secondary" onClick={() => { setSearch(''); setStatus(''); }}>Clear filters</Button>}>
        Nothing matches {search.trim() ? <>&ldquo;{search.trim()}&rdquo;</> : 'this filter'}
        {status ? <> with status {status}</> : null}. Check the spelling, or clear the filters.
      </EmptyState>
    );
  else
    body = (
      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
        <table className="w-full text-left text-sm tabular-nums">
          <caption className="sr-only">Scan compliance, sorted by {sortLabels[sort.key]} {sort.direction === 'asc' ? 'ascending' : 'descending'}</caption>
          <thead className="border-b border-slate-200 bg-slate-50 text-xs font-medium text-slate-500">
            <tr>
              <SortHeader label="Patient" column="name" sort={sort} onSort={(k) => setSort(nextSort(sort, k))} />
              <SortHeader label="Days overdue" column="daysOverdue" sort={sort} onSort={(k) => setSort(nextSort(sort, k))} />
              <SortHeader label="Missed (90 d)" column="missedScans" sort={sort} onSort={(k) => setSort(nextSort(sort, k))} align="right" />
              <SortHeader label="Last scan" column="lastScan" sort={sort} onSort={(k) => setSort(nextSort(sort, k))} className="hidden md:table-cell" />
              <th scope="col" className="px-4 py-2 uppercase tracking-wide">Tracking</th>
              <th scope="col" className="hidden px-4 py-2 uppercase tracking-wide lg:table-cell">Frequency</th>
              <th scope="col" className="px-4 py-2 uppercase tracking-wide">Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((item) => (
              <tr key={item.patientId} className="border-b border-slate-100 last:border-0 hover:bg-slate-50" data-testid="compliance-row">
                <td className="px-4 py-2.5">
                  <Link href={`/patients/view/?id=${encodeURIComponent(item.patientId)}`} className="font-medium text-slate-900 hover:text-accent-800 hover:underline">
                    {item.patientName}
                  </Link>
                </td>
                <td className="px-4 py-2.5"><DueCell item={item} /></td>
                <td className={cx('px-4 py-2.5 text-right', item.missedScans90d > 0 ? 'font-medium text-amber-800' : 'text-slate-700')}>{item.missedScans90d}</td>
                <td className="hidden px-4 py-2.5 text-slate-700 md:table-cell">{item.lastScanAt ? formatDateTime(item.lastScanAt) : 'Never'}</td>
                <td className="px-4 py-2.5"><TrendChips trend={item.trackingTrend} taxonomy={taxonomy.data} /></td>
                <td className="hidden px-4 py-2.5 text-slate-700 lg:table-cell">{frequencyLabels[item.scanFrequency]}</td>
                <td className="px-4 py-2.5"><StatusBadge status={item.status} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );

  return (
    <>
      <PageHeader
        title="Compliance"
        description="Who is due or overdue for a scan, counted in each patient's own time zone. Paused patients are listed but never overdue."
      />
      {!compliance.loading && !compliance.error && (
        <dl className="mb-6 grid gap-3 sm:grid-cols-3" aria-label="Summary">
          <Figure label="Overdue" value={summary.overdue} hint="past their scan date" tone="warn" />
          <Figure label="Due soon" value={summary.dueSoon} hint="today or within 3 days" />
          <Figure label="Missed scans" value={summary.missedScans} hint="in the last 90 days, all listed patients" />
        </dl>
      )}
      <Filters search={search} setSearch={setSearch} status={status} setStatus={setStatus} overdueOnly={overdueOnly} setOverdueOnly={setOverdueOnly} />
      {compliance.data?.truncated && (
        <div className="mb-4">
          <Notice>Showing the first 500 patients, most overdue first. Tick &ldquo;Overdue only&rdquo; or search to narrow the list.</Notice>
        </div>
      )}
      <div aria-live="polite" className="sr-only">
        {!compliance.loading && !compliance.error && `${rows.length} ${rows.length === 1 ? 'patient' : 'patients'} shown`}
      </div>
      {body}
      {!compliance.loading && !compliance.error && rows.length > 0 && (
        <p className="mt-3 text-center text-xs text-slate-500">
          {rows.length === 1 ? '1 patient' : `${rows.length} patients`}{filtered ? ` of ${all.length}` : ''}
        </p>
      )}
    </>
  );
}
