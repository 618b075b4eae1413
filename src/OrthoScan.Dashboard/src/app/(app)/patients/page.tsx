'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState } from 'react';
import { api } from '@/api/client';
import { patientStatuses, type Patient, type PatientStatus } from '@/api/types';
import { Icon } from '@/components/icons';
import { Button, ButtonLink, EmptyState, ErrorState, PageHeader, Skeleton, StatusBadge } from '@/components/ui';
import { formatDate, frequencyLabels, fullName, treatmentLabels } from '@/lib/format';
import { useDebouncedValue, useShortcuts } from '@/lib/hooks';
import { useCursorPages } from '@/lib/useCursorPages';
import { usePageTitle } from '@/lib/usePageTitle';

const PAGE_SIZE = 50;

function TableSkeleton() {
  return (
    <div className="overflow-hidden rounded-lg border border-slate-200 bg-white" aria-busy="true" aria-label="Loading patients">
      {Array.from({ length: 6 }).map((_, i) => (
        <div key={i} className="flex items-center gap-6 border-b border-slate-100 px-4 py-3 last:border-0">
          <Skeleton className="h-4 w-40" />
          <Skeleton className="h-4 w-24" />
          <Skeleton className="h-4 w-16" />
          <Skeleton className="hidden h-4 w-24 md:block" />
          <Skeleton className="ml-auto h-5 w-16 rounded-full" />
        </div>
      ))}
    </div>
  );
}

export default function PatientsPage() {
  usePageTitle('Patients');
  const router = useRouter();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState<PatientStatus | ''>('');
  const debouncedSearch = useDebouncedValue(search, 300);
  const { items, hasMore, loading, error, loadingMore, moreError, loadMore, reload } = useCursorPages<Patient>(
    (cursor, signal) => api.listPatients({ search: debouncedSearch, status, cursor, limit: PAGE_SIZE }, signal),
    `${debouncedSearch}|${status}`,
  );
  const searchRef = useRef<HTMLInputElement>(null);

  useShortcuts({ n: () => router.push('/patients/new/') });

  useEffect(() => {
    if (new URLSearchParams(window.location.search).get('focus') === 'search') searchRef.current?.focus();
  }, []);

  const filtered = debouncedSearch.trim() !== '' || status !== '';

  return (
    <>
      <PageHeader
        title="Patients"
        description="Everyone in treatment at your practice. Archived patients are hidden unless you filter for them."
        actions={<ButtonLink href="/patients/new/" keyHint="N"><Icon name="plus" width={16} height={16} />New patient</ButtonLink>}
      />

      <div className="mb-4 flex flex-wrap items-end gap-3" role="search" aria-label="Filter patients">
        <div className="flex min-w-[16rem] flex-1 flex-col gap-1">
          <label htmlFor="patient-search" className="text-sm font-medium text-slate-800">Search by name</label>
          <div className="relative">
            <Icon name="search" className="pointer-events-none absolute left-3 top-1/2 -translate-y-1/2 text-slate-400" width={16} height={16} />
            <input
              ref={searchRef}
              id="patient-search"
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
          <label htmlFor="patient-status" className="text-sm font-medium text-slate-800">Status</label>
          <select
            id="patient-status"
            className="h-9 rounded-md border border-slate-300 bg-white px-3 pr-8 text-sm hover:border-slate-400"
            value={status}
            onChange={(e) => setStatus(e.target.value as PatientStatus | '')}
          >
            <option value="">All but archived and erased</option>
            {patientStatuses.map((s) => <option key={s} value={s}>{s[0].toUpperCase() + s.slice(1)}</option>)}
          </select>
        </div>
      </div>

      <div aria-live="polite" className="sr-only">
        {!loading && !error && `${items.length}${hasMore ? '+' : ''} patients shown`}
      </div>

      {loading ? (
        <TableSkeleton />
      ) : error ? (
        <ErrorState error={error} onRetry={reload} />
      ) : items.length === 0 ? (
        filtered ? (
          <EmptyState icon="search" title="No patients match" action={<Button variant="secondary" onClick={() => { setSearch(''); setStatus(''); }}>Clear filters</Button>}>
            Nothing matches {debouncedSearch.trim() ? <>&ldquo;{debouncedSearch.trim()}&rdquo;</> : 'this filter'}
            {status ? <> with status {status}</> : null}. Check the spelling, or clear the filters.
          </EmptyState>
        ) : (
          <EmptyState icon="patients" title="No patients yet" action={<ButtonLink href="/patients/new/">Add your first patient</ButtonLink>}>
            Add a patient, then invite them to the OrthoScan app so their scans arrive here for review.
          </EmptyState>
        )
      ) : (
        <>
          <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Patients</caption>
              <thead className="border-b border-slate-200 bg-slate-50 text-xs font-medium uppercase tracking-wide text-slate-500">
                <tr>
                  <th scope="col" className="px-4 py-2.5">Name</th>
                  <th scope="col" className="px-4 py-2.5">Date of birth</th>
                  <th scope="col" className="px-4 py-2.5">Stage</th>
                  <th scope="col" className="hidden px-4 py-2.5 md:table-cell">Treatment</th>
                  <th scope="col" className="hidden px-4 py-2.5 md:table-cell">Scans</th>
                  <th scope="col" className="px-4 py-2.5">Status</th>
                </tr>
              </thead>
              <tbody>
                {items.map((p) => (
                  <tr key={p.id} className="border-b border-slate-100 last:border-0 hover:bg-slate-50">
                    <td className="px-4 py-2.5">
                      <Link href={`/patients/view/?id=${encodeURIComponent(p.id)}`} className="font-medium text-slate-900 hover:text-accent-800 hover:underline">
                        {p.lastName}, {p.firstName}
                      </Link>
                      <span className="sr-only"> ({fullName(p)})</span>
                    </td>
                    <td className="px-4 py-2.5 text-slate-700">{formatDate(p.dateOfBirth)}</td>
                    <td className="px-4 py-2.5 text-slate-700">{p.currentStage} of {p.totalStages}</td>
                    <td className="hidden px-4 py-2.5 text-slate-700 md:table-cell">{treatmentLabels[p.treatmentType]}{p.alignerBrand ? ` · ${p.alignerBrand}` : ''}</td>
                    <td className="hidden px-4 py-2.5 text-slate-700 md:table-cell">{frequencyLabels[p.scanFrequency]}</td>
                    <td className="px-4 py-2.5"><StatusBadge status={p.status} /></td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div className="mt-4 flex flex-col items-center gap-2">
            {moreError && <p role="alert" className="text-sm text-red-700">{moreError.title}</p>}
            {hasMore ? (
              <Button variant="secondary" busy={loadingMore} onClick={loadMore}>{moreError ? 'Retry loading more' : 'Load more'}</Button>
            ) : (
              <p className="text-xs text-slate-500">{items.length === 1 ? '1 patient' : `${items.length} patients`} · end of list</p>
            )}
          </div>
        </>
      )}
    </>
  );
}
