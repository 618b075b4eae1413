import Link from 'next/link';
import type { FeedItem, ScanImage } from '@/api/review';
import { Button, ErrorState, KeyHint } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { PhotoGrid, PhotoGridSkeleton } from './PhotoGrid';
import type { Scan } from './reviewMachine';

/** The left two-thirds: who sent the scan, and its photos (or why they are not there). */
export function ScanPhotos({ item, scan, images, onRetry, onOpenPhoto, onMessage }: {
  item: FeedItem;
  scan: Scan;
  images: ScanImage[];
  onRetry: () => void;
  onOpenPhoto: (index: number) => void;
  /** Opens the message composer for this patient (also the M key). */
  onMessage: () => void;
}) {
  const session = scan.session;
  return (
    <section className="flex min-w-0 flex-col gap-3" aria-labelledby="scan-title">
      <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
        <h2 id="scan-title" className="text-base font-semibold text-slate-900">
          <Link href={`/patients/view/?id=${encodeURIComponent(item.patientId)}`} className="hover:text-accent-800 hover:underline">{item.patientName}</Link>
          <span className="ml-2 text-sm font-normal text-slate-600">
            aligner <span className="tabular-nums">{item.alignerNumber}</span> · stage <span className="tabular-nums">{item.currentStage} of {item.totalStages}</span>
          </span>
        </h2>
        <div className="flex items-center gap-3">
          <p className="text-xs text-slate-500">
            Sent {formatDateTime(item.submittedAt)}
            {session?.previous ? <> · previous scan aligner {session.previous.alignerNumber}</> : <> · first scan</>}
          </p>
          <Button variant="secondary" size="sm" keyHint="M" onClick={onMessage}>Message patient</Button>
        </div>
      </div>
      {scan.error ? (
        <ErrorState error={scan.error} onRetry={onRetry} />
      ) : session ? (
        <PhotoGrid sessionId={session.id} images={images} alignerNumber={session.alignerNumber} onOpen={onOpenPhoto} />
      ) : (
        <PhotoGridSkeleton />
      )}
      <p className="text-xs text-slate-500">
        Click a photo or press <KeyHint>F</KeyHint> to zoom, compare with the previous scan with <KeyHint>C</KeyHint>.
      </p>
    </section>
  );
}
