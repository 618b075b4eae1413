import type { ReactNode } from 'react';
import type { ScoreTone } from '@/lib/outcome';
import { cx } from './ui';

// Red only for the clinical warning (a score's worst value); amber for the values between; the accent for the best.
const tones: Record<ScoreTone, string> = {
  good: 'bg-accent-50 text-accent-800 ring-accent-600/20',
  fair: 'bg-amber-50 text-amber-800 ring-amber-600/30',
  poor: 'bg-red-50 text-red-800 ring-red-600/30',
  none: 'bg-slate-100 text-slate-600 ring-slate-400/30',
};

/** A small score badge: tabular numbers so a column of chips lines up. */
export function ScoreChip({ tone, children, title }: { tone: ScoreTone; children: ReactNode; title?: string }) {
  return (
    <span
      title={title}
      className={cx('inline-flex h-5 items-center rounded px-1.5 text-xs font-medium tabular-nums ring-1 ring-inset', tones[tone])}
    >
      {children}
    </span>
  );
}
