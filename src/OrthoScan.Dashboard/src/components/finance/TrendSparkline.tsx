'use client';

import { Line, LineChart, YAxis } from 'recharts';
import { chartColors } from '@/components/analytics/Charts';
import { formatRate } from '@/lib/analytics';
import { formatMonth } from '@/lib/billing';

/** A practice's tagging rate over its last proposals, small enough for a table cell; the numbers are read out too. */
export function TrendSparkline({ trend, label }: { trend: { periodStart: string; rate: number }[]; label: string }) {
  const described = trend.map((t) => `${formatMonth(t.periodStart)}: ${formatRate(t.rate)}`).join(', ');
  if (trend.length < 2) return <span className="text-xs text-slate-500">{trend.length === 1 ? formatRate(trend[0].rate) : '—'}</span>;
  return (
    <figure className="m-0" data-testid="trend">
      <LineChart width={96} height={28} data={trend} margin={{ top: 2, right: 2, bottom: 2, left: 2 }} aria-hidden="true">
        <YAxis hide domain={[0, 1]} />
        <Line type="monotone" dataKey="rate" stroke={chartColors.accent} strokeWidth={1.5} dot={false} isAnimationActive={false} />
      </LineChart>
      <figcaption className="sr-only">{`${label}: ${described}`}</figcaption>
    </figure>
  );
}
