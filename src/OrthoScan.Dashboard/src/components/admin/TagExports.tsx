'use client';

import { useEffect, useState, type FormEvent } from 'react';
import { asApiError, type ApiError } from '@/api/errors';
import { exportsApi, type TagExport, type TagExportReport } from '@/api/exports';
import { Button, Card, CheckboxField, EmptyState, ErrorState, LoadMore, Notice, ProblemAlert, Skeleton, StatusBadge, TextField } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { useCursorPages } from '@/lib/useCursorPages';
import { newIdempotencyKey } from '@/lib/idempotency';

/** How often a queued or running export is asked for its progress. */
export const POLL_MS = 2000;

const running = (e: TagExport) => e.status === 'queued' || e.status === 'running';

function StartForm({ onStarted }: { onStarted: (created: TagExport) => void }) {
  const [includeImages, setIncludeImages] = useState(true);
  const [includeFrontal, setIncludeFrontal] = useState(false);
  const [seed, setSeed] = useState('');
  const [k, setK] = useState('5');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  // One key per intended export: a double click or a retry after a lost answer starts it once.
  const [key, setKey] = useState(newIdempotencyKey);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await exportsApi.start(
        { includeImages, includeFrontal: includeImages && includeFrontal, k: Number(k), ...(seed.trim() === '' ? {} : { seed: Number(seed) }) },
        key,
      );
      setKey(newIdempotencyKey());
      onStarted(created);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  };

  const fieldErrors = error?.fieldErrors ?? {};
  return (
    <Card title="Start an export">
      <form className="flex flex-col gap-4" onSubmit={submit} aria-label="Start an export">
        {error && Object.keys(fieldErrors).length === 0 && <ProblemAlert error={error} />}
        <div className="grid gap-4 sm:grid-cols-2">
          <CheckboxField label="Include images" hint="EXIF-free copies of the scan photos, one folder per split." checked={includeImages}
            onChange={(e) => setIncludeImages(e.target.checked)} errors={fieldErrors.includeImages} />
          <CheckboxField label="Include frontal views" hint="Off unless a study needs them." checked={includeImages && includeFrontal}
            disabled={!includeImages} onChange={(e) => setIncludeFrontal(e.target.checked)} errors={fieldErrors.includeFrontal} />
          <TextField label="Seed" optional inputMode="numeric" hint="The same seed puts each patient in the same split. Left empty: random."
            value={seed} onChange={(e) => setSeed(e.target.value)} errors={fieldErrors.seed} />
          <TextField label="k (k-anonymity)" type="number" min={5} max={50} required
            hint="Every combination of age band, treatment, aligner brand and region is shared by at least k patients."
            value={k} onChange={(e) => setK(e.target.value)} errors={fieldErrors.k} />
        </div>
        {includeImages && includeFrontal && (
          <Notice>Frontal views show patients&apos; faces: a dataset with them identifies people by sight. Share it only where that is allowed.</Notice>
        )}
        <div>
          <Button type="submit" disabled={busy}>{busy ? 'Starting…' : 'Start export'}</Button>
        </div>
      </form>
    </Card>
  );
}

function ProgressBar({ item }: { item: TagExport }) {
  const { percent, tagSetsWritten, tagSetsTotal, imagesWritten } = item.progress;
  return (
    <div className="flex flex-col gap-1">
      <div className="h-2 w-full overflow-hidden rounded-full bg-slate-100" role="progressbar" aria-label="Export progress"
        aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent}>
        <div className="h-full rounded-full bg-accent-600 motion-safe:transition-[width]" style={{ width: `${percent}%` }} />
      </div>
      <p className="text-xs tabular-nums text-slate-600">
        {percent}% · {tagSetsWritten.toLocaleString('en')} of {tagSetsTotal.toLocaleString('en')} tag sets · {imagesWritten.toLocaleString('en')} images
      </p>
    </div>
  );
}

function Report({ report }: { report: TagExportReport }) {
  const rows: [string, number | string][] = [
    ['Patients', report.patients], ['Sessions', report.sessions], ['Tag sets', report.tagSets], ['Images', report.images],
    ['Generalised patients', report.generalisedPatients], ['Suppressed patients', report.suppressedPatients],
    ['Suppressed tag sets', report.suppressedTagSets],
    ['Split (train / validation / test)', `${report.patientsPerSplit.train} / ${report.patientsPerSplit.validation} / ${report.patientsPerSplit.test}`],
  ];
  return (
    <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm tabular-nums sm:grid-cols-4" data-testid="export-report">
      {rows.map(([label, value]) => (
        <div key={label} className="flex flex-col">
          <dt className="text-xs text-slate-500">{label}</dt>
          <dd className="text-slate-900">{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function ExportRow({ item }: { item: TagExport }) {
  const [error, setError] = useState<ApiError | null>(null);
  // Links live five minutes: ask for a fresh one at the moment of the download.
  const download = async () => {
    setError(null);
    try {
      const fresh = await exportsApi.get(item.id);
      if (fresh.downloadUrl) window.location.assign(fresh.downloadUrl);
    } catch (e) {
      setError(asApiError(e));
    }
  };
  return (
    <li className="flex flex-col gap-3 py-4" data-testid="export-row">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <StatusBadge status={item.status} />
          <span className="font-medium text-slate-900">{formatDateTime(item.createdAt)}</span>
          <span className="text-slate-600">
            k {item.k} · seed {item.seed} · {item.includeImages ? (item.includeFrontal ? 'images with frontal views' : 'images without frontal views') : 'no images'}
          </span>
        </div>
        {item.status === 'completed' && (
          <Button variant="secondary" size="sm" onClick={download}>
            Download ZIP{item.sizeBytes ? ` (${(item.sizeBytes / (1024 * 1024)).toFixed(1)} MB)` : ''}
          </Button>
        )}
      </div>
      {running(item) && <ProgressBar item={item} />}
      {item.status === 'failed' && <ProblemAlert error={{ title: 'The export failed.', detail: item.error ?? null }} />}
      {item.report && <Report report={item.report} />}
      {error && <ProblemAlert error={error} />}
    </li>
  );
}

/** Start a de-identified export, watch it run, download it and read what de-identification did. */
export function TagExports() {
  const pages = useCursorPages((cursor, signal) => exportsApi.list(cursor, signal), 'tag-exports');
  const { items, replace, reload } = pages;
  const pending = items.filter(running).map((e) => e.id).join(',');

  useEffect(() => {
    if (!pending) return;
    const controller = new AbortController();
    const timer = setInterval(() => {
      for (const id of pending.split(',')) {
        exportsApi.get(id, controller.signal).then((fresh) => replace((e) => e.id === id, fresh), () => undefined);
      }
    }, POLL_MS);
    return () => {
      clearInterval(timer);
      controller.abort();
    };
  }, [pending, replace]);

  return (
    <div className="flex flex-col gap-6">
      <StartForm onStarted={() => reload()} />
      <Card title="Exports">
        {pages.loading ? (
          <div className="flex flex-col gap-3" aria-busy="true" aria-label="Loading exports">
            <Skeleton className="h-12 w-full" />
            <Skeleton className="h-12 w-full" />
          </div>
        ) : pages.error ? (
          <ErrorState error={pages.error} onRetry={reload} />
        ) : items.length === 0 ? (
          <EmptyState title="No exports yet">Start one above; it runs in the background and shows its progress here.</EmptyState>
        ) : (
          <>
            <ul className="flex flex-col divide-y divide-slate-100">
              {items.map((item) => <ExportRow key={item.id} item={item} />)}
            </ul>
            <LoadMore hasMore={pages.hasMore} error={pages.moreError} busy={pages.loadingMore} onLoadMore={pages.loadMore} />
          </>
        )}
      </Card>
    </div>
  );
}
