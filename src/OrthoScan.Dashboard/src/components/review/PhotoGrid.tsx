'use client';

import type { ScanImage } from '@/api/review';
import { cx, KeyHint, Skeleton } from '@/components/ui';
import { useRetryingSrc } from './useRetryingSrc';
import { photoWarnings, viewLabels } from './views';

export function QualityBadges({ image, className }: { image: ScanImage; className?: string }) {
  const warnings = photoWarnings(image);
  if (warnings.length === 0) return null;
  return (
    <span className={cx('flex flex-wrap gap-1', className)}>
      {warnings.map((w) => (
        <span key={w} className="rounded bg-red-600/90 px-1.5 py-0.5 text-[11px] font-medium text-white shadow-sm">
          {w}
        </span>
      ))}
    </span>
  );
}

/**
 * The five views as one montage, each a button that opens the full-screen viewer (click, Enter or F).
 * `data-session` lets tests and the latency script tell which scan's photos are on screen.
 */
export function PhotoGrid({ sessionId, images, alignerNumber, onOpen }: {
  sessionId: string;
  images: ScanImage[];
  alignerNumber: number;
  onOpen: (index: number) => void;
}) {
  return (
    <ul className="grid grid-cols-6 gap-2" aria-label="Photos of this scan" data-session={sessionId}>
      {images.map((image, i) => (
        <li key={`${sessionId}-${image.imageType}`} className={i < 3 ? 'col-span-2' : 'col-span-3'}>
          <PhotoTile image={image} index={i} alignerNumber={alignerNumber} onOpen={onOpen} />
        </li>
      ))}
    </ul>
  );
}

function PhotoTile({ image, index: i, alignerNumber, onOpen }: { image: ScanImage; index: number; alignerNumber: number; onOpen: (index: number) => void }) {
  const label = viewLabels[image.imageType];
  const photo = useRetryingSrc(image.urls?.display);
  const src = photo.src;
  return (
    <button
      type="button"
      data-photo={i}
      className="group relative block aspect-[4/3] w-full overflow-hidden rounded-md bg-slate-900/5 ring-1 ring-slate-200 hover:ring-accent-600"
      aria-label={`${label}: open full screen`}
      onClick={() => onOpen(i)}
    >
      {src && !photo.failed ? (
        // eslint-disable-next-line @next/next/no-img-element -- static export: no image optimizer (images.unoptimized), and the signed photo URLs expire
        <img key={src} src={src} alt={`${label}, aligner ${alignerNumber}`} className="h-full w-full object-cover" draggable={false} decoding="async" onError={photo.onError} />
      ) : photo.failed ? (
        <span className="flex h-full items-center justify-center text-xs text-slate-500">This photo did not load.</span>
      ) : (
        <span className="flex h-full items-center justify-center text-xs text-slate-500">{image.status === 'rejected' ? 'Photo rejected' : 'Photo not processed'}</span>
      )}
      <span className="absolute left-1.5 top-1.5 rounded bg-white/90 px-1.5 py-0.5 text-[11px] font-medium text-slate-800 shadow-sm">
        {label}
      </span>
      <QualityBadges image={image} className="absolute bottom-1.5 left-1.5 right-1.5" />
      {i === 0 && (
        <span className="absolute right-1.5 top-1.5 rounded bg-white/90 px-1 text-[11px] text-slate-700 opacity-0 shadow-sm group-hover:opacity-100 group-focus-visible:opacity-100">
          <KeyHint>F</KeyHint>
        </span>
      )}
    </button>
  );
}

export function PhotoGridSkeleton() {
  return (
    <div className="grid grid-cols-6 gap-2" aria-hidden="true">
      {Array.from({ length: 5 }).map((_, i) => (
        <Skeleton key={i} className={cx('aspect-[4/3] w-full rounded-md', i < 3 ? 'col-span-2' : 'col-span-3')} />
      ))}
    </div>
  );
}
