'use client';

import { api } from '@/api/client';
import { detailTagLabel, type Taxonomy } from '@/api/taxonomy';
import type { ScanImage, TimelineItem } from '@/api/types';
import { Icon } from '@/components/icons';
import { ScoreChip } from '@/components/ScoreChip';
import { Button, cx, Skeleton } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { actionLabel, humanise, imageTypeLabels, lowQuality, outcomeScores, sessionStatusLabels } from '@/lib/outcome';
import { useCursorPages } from '@/lib/useCursorPages';
import { useTaxonomy } from '@/lib/useTaxonomy';

const statusTones: Record<TimelineItem['status'], string> = {
  pending: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  processing: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  ready: 'bg-sky-50 text-sky-800 ring-sky-600/20',
  needs_retake: 'bg-amber-50 text-amber-800 ring-amber-600/30',
  reviewed: 'bg-accent-50 text-accent-800 ring-accent-600/20',
  flagged: 'bg-red-50 text-red-800 ring-red-600/30',
};

function SessionStatus({ status }: { status: TimelineItem['status'] }) {
  return (
    <span className={cx('inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', statusTones[status])}>
      {sessionStatusLabels[status]}
    </span>
  );
}

function qualityWarning(image: ScanImage): string | null {
  if (image.status === 'rejected') return 'Rejected';
  if (image.qualityIssues.length > 0) return humanise(image.qualityIssues[0]);
  if (image.qualityScore !== null && image.qualityScore < lowQuality) return 'Low quality';
  return null;
}

function Thumbnail({ image, alignerNumber }: { image: ScanImage; alignerNumber: number }) {
  const view = imageTypeLabels[image.imageType];
  const warning = qualityWarning(image);
  const label = `${view}, aligner ${alignerNumber}${image.qualityScore !== null ? `, quality ${image.qualityScore} of 100` : ''}${warning ? `, ${warning.toLowerCase()}` : ''}`;
  return (
    <li className="relative h-16 w-20 shrink-0 overflow-hidden rounded-md bg-slate-100 ring-1 ring-slate-200">
      {image.urls ? (
        <a href={image.urls.display} target="_blank" rel="noreferrer" className="block h-full w-full" title={label}>
          {/* eslint-disable-next-line @next/next/no-img-element -- signed thumbnail URLs; the static export has no image optimiser */}
          <img src={image.urls.thumbnail} alt={label} loading="lazy" className="h-full w-full object-cover" />
        </a>
      ) : (
        <span className="flex h-full w-full items-center justify-center px-1 text-center text-[11px] leading-tight text-slate-500" title={label}>
          {image.status === 'rejected' ? 'Not usable' : image.status === 'awaiting_upload' ? 'Not sent' : 'Processing'}
          <span className="sr-only">: {label}</span>
        </span>
      )}
      {warning && (
        <span className="absolute bottom-0.5 left-0.5 rounded bg-red-700/90 px-1 text-[10px] font-medium leading-4 text-white" aria-hidden="true">
          {warning}
        </span>
      )}
    </li>
  );
}

function Quality({ images }: { images: ScanImage[] }) {
  const scores = images.map((i) => i.qualityScore).filter((s): s is number => s !== null);
  if (scores.length === 0) return null;
  const lowest = Math.min(...scores);
  const flagged = images.filter((i) => qualityWarning(i) !== null).length;
  return (
    <p className={cx('text-xs tabular-nums', flagged > 0 ? 'text-red-700' : 'text-slate-500')}>
      Photo quality: lowest {lowest}/100
      {flagged > 0 ? ` · ${flagged} ${flagged === 1 ? 'photo' : 'photos'} with a warning` : ''}
    </p>
  );
}

export function TimelineEntry({ item, totalStages, taxonomy }: { item: TimelineItem; totalStages?: number; taxonomy: Taxonomy }) {
  const outcome = item.outcome;
  return (
    <li className="border-b border-slate-100 py-4 first:pt-0 last:border-0 last:pb-0" data-testid="timeline-entry">
      <div className="flex flex-wrap items-baseline gap-x-3 gap-y-1">
        <h3 className="text-sm font-semibold text-slate-900">
          <time dateTime={item.submittedAt ?? item.createdAt}>{formatDateTime(item.submittedAt ?? item.createdAt)}</time>
        </h3>
        <span className="text-sm tabular-nums text-slate-700">Aligner {item.alignerNumber}</span>
        <SessionStatus status={item.status} />
      </div>
      {item.images.length > 0 && (
        <div className="mt-2 flex flex-col gap-1">
          <ul className="flex gap-2 overflow-x-auto pb-1" aria-label={`Photos of aligner ${item.alignerNumber}`}>
            {item.images.map((image) => <Thumbnail key={image.id} image={image} alignerNumber={item.alignerNumber} />)}
          </ul>
          <Quality images={item.images} />
        </div>
      )}
      {outcome ? (
        <div className="mt-3 flex flex-col gap-1.5 rounded-md bg-slate-50 px-3 py-2.5" data-testid="timeline-outcome">
          <div className="flex flex-wrap items-center gap-1.5">
            {outcomeScores(outcome, taxonomy).map((s) => <ScoreChip key={s.attribute} tone={s.tone}>{s.label}</ScoreChip>)}
          </div>
          <p className="text-sm text-slate-900">
            <span className="font-medium">{actionLabel(outcome, item.alignerNumber, totalStages)}</span>
            <span className="text-slate-600"> · {outcome.reviewerName} · {formatDateTime(outcome.reviewedAt)}</span>
          </p>
          {outcome.detailTags.length > 0 && (
            <p className="text-xs text-slate-700">
              <span className="text-slate-500">Findings: </span>
              {outcome.detailTags.map((code) => detailTagLabel(taxonomy, code)).join(', ')}
            </p>
          )}
          {item.patientFeedback && (
            <p className="text-xs text-slate-700">
              <span className="text-slate-500">Patient was told: </span>
              <q>{item.patientFeedback}</q>
            </p>
          )}
        </div>
      ) : (
        <p className="mt-2 text-xs text-slate-500">
          {item.status === 'ready' ? 'Waiting in the review queue.' : item.status === 'reviewed' ? 'Reviewed.' : 'Not reviewed yet.'}
        </p>
      )}
    </li>
  );
}

function TimelineSkeleton() {
  return (
    <div className="flex flex-col gap-4" aria-busy="true" aria-label="Loading scans">
      {Array.from({ length: 2 }).map((_, i) => (
        <div key={i} className="flex flex-col gap-2">
          <Skeleton className="h-4 w-48" />
          <div className="flex gap-2">{Array.from({ length: 5 }).map((_, j) => <Skeleton key={j} className="h-16 w-20 rounded-md" />)}</div>
          <Skeleton className="h-10 w-full rounded-md" />
        </div>
      ))}
    </div>
  );
}

/** The patient's scans, newest first, each with its review outcome; pages of 20 with "Load older scans". */
export function ScanTimeline({ patientId, firstName, totalStages }: { patientId: string; firstName: string; totalStages?: number }) {
  const { items, hasMore, loading, error, loadingMore, moreError, loadMore, reload } = useCursorPages<TimelineItem>(
    (cursor, signal) => api.listPatientSessions(patientId, cursor, signal),
    patientId,
  );
  // Scores and findings are shown in the taxonomy's words: the list waits for it.
  const taxonomy = useTaxonomy();
  const served = taxonomy.data;
  const problem = error ?? taxonomy.error;

  return (
    <section aria-labelledby="timeline-heading" className="rounded-lg border border-slate-200 bg-white p-6">
      <h2 id="timeline-heading" className="mb-4 text-base font-semibold text-slate-900">Scan timeline</h2>
      {loading || taxonomy.loading ? (
        <TimelineSkeleton />
      ) : problem || !served ? (
        <div role="alert" className="flex flex-col items-center rounded-md border border-red-200 px-6 py-8 text-center">
          <p className="text-sm font-medium text-slate-900">{problem?.title}</p>
          {problem?.detail && <p className="mt-1 text-sm text-slate-600">{problem.detail}</p>}
          <Button variant="secondary" className="mt-3" onClick={error ? reload : taxonomy.reload}>Retry</Button>
        </div>
      ) : items.length === 0 ? (
        <div className="flex flex-col items-center rounded-md border border-dashed border-slate-300 px-6 py-10 text-center">
          <Icon name="clock" width={20} height={20} className="mb-2 text-slate-400" />
          <p className="text-sm font-medium text-slate-800">No scans yet</p>
          <p className="mt-1 max-w-sm text-sm text-slate-600">
            Scans will appear here as {firstName} sends them from the app, newest first, with their review and tags.
          </p>
        </div>
      ) : (
        <>
          <ol className="flex flex-col" aria-label="Scans, newest first">
            {items.map((item) => <TimelineEntry key={item.id} item={item} totalStages={totalStages} taxonomy={served} />)}
          </ol>
          {(hasMore || moreError) && (
            <div className="mt-4 flex flex-col items-center gap-2">
              {moreError && <p role="alert" className="text-sm text-red-700">{moreError.title}</p>}
              <Button variant="secondary" busy={loadingMore} onClick={loadMore}>{moreError ? 'Retry loading older scans' : 'Load older scans'}</Button>
            </div>
          )}
        </>
      )}
    </section>
  );
}
