import { Button } from '@/components/ui';

/** A one-line header: the photos and the panel must fit on a laptop screen without scrolling. */
export function QueueHeader({ waiting, more, onShortcuts }: {
  /** Scans waiting, once the feed is loaded; null before. */
  waiting: number | null;
  /** The feed has further pages. */
  more: boolean;
  onShortcuts: () => void;
}) {
  return (
    <div className="-mt-2 mb-4 flex flex-wrap items-center justify-between gap-2">
      <h1 className="text-xl font-semibold text-slate-900">
        Review queue
        <span className="ml-3 text-sm font-normal text-slate-600">
          {waiting ? (
            <span data-testid="queue-count" aria-live="polite">
              <span className="tabular-nums">{waiting}{more ? '+' : ''}</span> {waiting === 1 && !more ? 'scan' : 'scans'} waiting, oldest first
            </span>
          ) : 'Scans waiting for review, oldest first.'}
        </span>
      </h1>
      <Button variant="ghost" onClick={onShortcuts} keyHint="?">Shortcuts</Button>
    </div>
  );
}
