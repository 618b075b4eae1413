import type { TaggingProgress } from '@/api/billing';
import { formatPercent, formatPeriod, progressAdvice, ratePercent } from '@/lib/billing';
import { formatRate } from '@/lib/analytics';

/**
 * This month's tagging so far against the next discount tier: the bar fills with the share of scans tagged within 14
 * days, a tick marks the rate the next tier needs, and one sentence says how many more scans to tag.
 */
export function TaggingProgressBar({ progress }: { progress: TaggingProgress }) {
  const now = ratePercent(progress.rate);
  const target = progress.nextTier?.minRatePercent ?? 100;
  const label = progress.nextTier
    ? `Scans tagged this month: ${formatRate(progress.rate)} of ${formatPercent(target)} needed for the next discount`
    : `Scans tagged this month: ${formatRate(progress.rate)}`;
  return (
    <div className="flex flex-col gap-2" data-testid="tagging-progress">
      <div className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <p className="text-slate-700">
          <span className="font-semibold tabular-nums text-slate-900" data-testid="progress-counts">
            {progress.tagged} of {progress.received}
          </span>{' '}
          scans received {formatPeriod(progress.periodStart, progress.periodEnd)} tagged within 14 days
          {progress.rate !== null && <span className="tabular-nums"> ({formatRate(progress.rate)})</span>}
        </p>
        <p className="text-slate-700">
          Earning now: <span className="font-semibold tabular-nums text-slate-900" data-testid="progress-current">{formatPercent(progress.currentPercent)}</span>
        </p>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.min(now, 100)}
        aria-valuetext={label}
        className="relative h-3 w-full overflow-hidden rounded-full bg-slate-100"
      >
        <div className="h-full rounded-full bg-accent-700 transition-[width] motion-reduce:transition-none" style={{ width: `${Math.min(now, 100)}%` }} />
        {progress.nextTier && (
          <div className="absolute inset-y-0 w-0.5 bg-slate-700" style={{ left: `${Math.min(target, 100)}%` }} aria-hidden="true" />
        )}
      </div>
      <p className="text-sm text-slate-800" data-testid="progress-advice">{progressAdvice(progress)}</p>
    </div>
  );
}
