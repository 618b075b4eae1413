import type { Plan, ProposalStatus, SubscriptionStatus, TaggingProgress } from '@/api/billing';
import { formatDate } from './format';

export const planLabels: Record<Plan, string> = {
  trial: 'Trial',
  starter: 'Starter',
  professional: 'Professional',
  enterprise: 'Enterprise',
};

export const subscriptionStatusLabels: Record<SubscriptionStatus, string> = {
  none: 'No plan yet',
  trialing: 'Trial',
  active: 'Active',
  past_due: 'Payment failed',
  canceled: 'Canceled',
  incomplete: 'Waiting for payment',
};

export const proposalStatusLabels: Record<ProposalStatus, string> = {
  proposed: 'Waiting',
  approved: 'Approved',
  adjusted: 'Adjusted',
  rejected: 'Rejected',
};

/** Digits after the decimal point of a currency (2 for eur, 0 for jpy), as Intl knows them. */
function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency: currency.toUpperCase() }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/** Minor units as a plain amount for charts: 12900 eur -> 129. */
export function minorToMajor(minor: number, currency: string): number {
  return minor / 10 ** minorDigits(currency);
}

/** Money arrives as minor units and a lower-case ISO code: 12900 + "eur" -> "€129.00" in the reader's locale. */
export function formatMoney(minor: number, currency: string): string {
  const digits = minorDigits(currency);
  const amount = minorToMajor(minor, currency);
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: currency.toUpperCase() }).format(amount);
  } catch {
    return `${amount.toFixed(digits)} ${currency.toUpperCase()}`;
  }
}

/** A discount percent of the price (5, 12.5): "5 %". */
export function formatPercent(percent: number): string {
  return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 }).format(percent)} %`;
}

/** A share 0..1 as a whole percent for charts and bars (0.62 -> 62); null counts as 0. */
export function ratePercent(rate: number | null | undefined): number {
  return rate === null || rate === undefined ? 0 : Math.round(rate * 1000) / 10;
}

/** What the owner does next to earn a bigger discount this period, in one sentence. */
export function progressAdvice(progress: TaggingProgress): string {
  const { nextTier, sessionsToNextTier, received } = progress;
  if (!nextTier) {
    return progress.currentPercent > 0
      ? `You are on the top discount tier (${formatPercent(progress.currentPercent)}). Keep tagging this month's scans within 14 days to stay there.`
      : 'There is no discount tier to reach.';
  }
  if (received === 0) {
    return `No scans received this month yet. Tag each new scan within 14 days: at ${formatPercent(nextTier.minRatePercent)} of scans tagged you earn ${formatPercent(nextTier.discountPercent)} off.`;
  }
  if (!sessionsToNextTier || sessionsToNextTier <= 0) {
    return `Keep tagging this month's scans within 14 days to reach ${formatPercent(nextTier.discountPercent)}.`;
  }
  return `Tag ${sessionsToNextTier} more of this month's scans within 14 days to reach ${formatPercent(nextTier.discountPercent)}`;
}

/** A period [start, end) as its first and last day: "Nov 1, 2026 – Nov 30, 2026". */
export function formatPeriod(start: string, end: string): string {
  const endMs = Date.parse(end);
  const lastDay = Number.isNaN(endMs) ? end : new Date(endMs - 1).toISOString();
  return `${formatDate(start)} – ${formatDate(lastDay)}`;
}

/** A period's first day as its month: "Nov 2026" (periods are calendar months in UTC). */
export function formatMonth(isoDate: string): string {
  const [y, m] = isoDate.slice(0, 7).split('-').map(Number);
  if (!y || !m) return isoDate;
  return new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(y, m - 1, 1)));
}
