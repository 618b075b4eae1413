'use client';

import { Bar, BarChart, CartesianGrid, Cell, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatWeek } from '@/lib/analytics';
import type { ScoreTone } from '@/lib/outcome';

// The palette of tailwind.config.ts and ScoreChip: teal accent, slate for context, amber and red for worse scores.
export const chartColors = {
  accent: '#0f766e',
  context: '#94a3b8',
  good: '#0f766e',
  fair: '#d97706',
  poor: '#dc2626',
  none: '#94a3b8',
  grid: '#e2e8f0',
  axis: '#64748b',
} as const;

const axisProps = { stroke: chartColors.axis, fontSize: 12, tickLine: false } as const;

/** Charts draw at this height; the width follows the card. */
const HEIGHT = 220;

export function WeeklyChart({ weeks }: { weeks: { weekStart: string; received: number; reviewed: number }[] }) {
  return (
    <div className="h-[220px] w-full" data-testid="chart-weekly">
      <ResponsiveContainer width="100%" height={HEIGHT} initialDimension={{ width: 600, height: HEIGHT }}>
        <BarChart data={weeks} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} barGap={2}>
          <CartesianGrid vertical={false} stroke={chartColors.grid} />
          <XAxis dataKey="weekStart" tickFormatter={formatWeek} {...axisProps} minTickGap={12} />
          <YAxis allowDecimals={false} {...axisProps} axisLine={false} />
          <Tooltip labelFormatter={(label) => `Week of ${formatWeek(String(label))}`} cursor={{ fill: '#f1f5f9' }} />
          <Legend iconType="square" wrapperStyle={{ fontSize: 12 }} />
          <Bar dataKey="received" name="Received" fill={chartColors.context} radius={[2, 2, 0, 0]} isAnimationActive={false} />
          <Bar dataKey="reviewed" name="Reviewed" fill={chartColors.accent} radius={[2, 2, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

export interface CategoryBar {
  label: string;
  count: number;
  tone?: ScoreTone;
}

/** Vertical bars for a few categories (a score's values), coloured by what the score means. */
export function ScoreBars({ data, testId }: { data: CategoryBar[]; testId?: string }) {
  return (
    <div className="h-[160px] w-full" data-testid={testId}>
      <ResponsiveContainer width="100%" height={160} initialDimension={{ width: 240, height: 160 }}>
        <BarChart data={data} margin={{ top: 8, right: 4, bottom: 0, left: -24 }}>
          <CartesianGrid vertical={false} stroke={chartColors.grid} />
          <XAxis dataKey="label" {...axisProps} interval={0} />
          <YAxis allowDecimals={false} {...axisProps} axisLine={false} />
          <Tooltip cursor={{ fill: '#f1f5f9' }} />
          <Bar dataKey="count" name="Scans" radius={[2, 2, 0, 0]} isAnimationActive={false}>
            {data.map((d) => <Cell key={d.label} fill={chartColors[d.tone ?? 'good']} />)}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** Horizontal bars for a ranked list (detail tags, actions, acceptance rates). */
export function RankedBars({ data, testId, max, valueName = 'Count', percent = false }: {
  data: CategoryBar[]; testId?: string; max?: number; valueName?: string; percent?: boolean;
}) {
  const height = Math.max(80, data.length * 28 + 24);
  return (
    <div className="w-full" style={{ height }} data-testid={testId}>
      <ResponsiveContainer width="100%" height={height} initialDimension={{ width: 400, height }}>
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 12, bottom: 0, left: 8 }}>
          <CartesianGrid horizontal={false} stroke={chartColors.grid} />
          <XAxis
            type="number"
            allowDecimals={percent}
            domain={[0, max ?? 'auto']}
            tickFormatter={percent ? (v: number) => `${Math.round(v * 100)}%` : undefined}
            {...axisProps}
          />
          <YAxis type="category" dataKey="label" width={140} {...axisProps} axisLine={false} />
          <Tooltip
            cursor={{ fill: '#f1f5f9' }}
            formatter={percent ? (v) => `${Math.round(Number(v) * 100)}%` : undefined}
          />
          <Bar dataKey="count" name={valueName} fill={chartColors.accent} radius={[0, 2, 2, 0]} isAnimationActive={false} barSize={16} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
