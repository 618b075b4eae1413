import type { DashboardAnalytics } from '@/api/types';

export const weekChoices = [4, 12, 26, 52] as const;
export type WeekChoice = (typeof weekChoices)[number];

const percent = new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 0 });
const integer = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });

export function formatCount(value: number): string {
  return integer.format(value);
}

/** 0.953 -> "95%"; null (nothing to divide) -> "—". */
export function formatRate(rate: number | null | undefined): string {
  return rate === null || rate === undefined ? '—' : percent.format(rate);
}

/** Share of a total, 0% when the total is 0 (the zero state shows 0s, never blanks). */
export function share(count: number, total: number): string {
  return percent.format(total > 0 ? count / total : 0);
}

/** 312.5 -> "5 h 13 min"; 42 -> "42 min"; 3000 -> "2 d 2 h". */
export function formatMinutes(minutes: number | null | undefined): string {
  if (minutes === null || minutes === undefined) return '—';
  const m = Math.round(minutes);
  if (m < 60) return `${m} min`;
  if (m < 24 * 60) {
    const rest = m % 60;
    return rest ? `${Math.floor(m / 60)} h ${rest} min` : `${m / 60} h`;
  }
  const hours = Math.round(m / 60);
  const restHours = hours % 24;
  return restHours ? `${Math.floor(hours / 24)} d ${restHours} h` : `${hours / 24} d`;
}

/** 21 -> "21 s"; 95 -> "1 min 35 s". */
export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const rest = s % 60;
  return rest ? `${Math.floor(s / 60)} min ${rest} s` : `${s / 60} min`;
}

/** A week's Monday as "7 Sep" in the reader's locale, without moving it through a time zone. */
export function formatWeek(isoDate: string): string {
  const [y, m, d] = isoDate.slice(0, 10).split('-').map(Number);
  if (!y || !m || !d) return isoDate;
  return new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, d)));
}

export function totals(analytics: Pick<DashboardAnalytics, 'weeks'>): { received: number; reviewed: number } {
  return analytics.weeks.reduce(
    (sum, w) => ({ received: sum.received + w.received, reviewed: sum.reviewed + w.reviewed }),
    { received: 0, reviewed: 0 },
  );
}

/** Landis and Koch's words for Cohen's kappa. */
export function kappaWord(kappa: number | null): string {
  if (kappa === null) return 'not enough pairs';
  if (kappa < 0) return 'worse than chance';
  if (kappa <= 0.2) return 'slight';
  if (kappa <= 0.4) return 'fair';
  if (kappa <= 0.6) return 'moderate';
  if (kappa <= 0.8) return 'substantial';
  return 'almost perfect';
}

export function formatKappa(kappa: number | null): string {
  return kappa === null ? '—' : kappa.toFixed(2);
}
