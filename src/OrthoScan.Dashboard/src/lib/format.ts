import type { AgeBand, PreferredLanguage, ScanFrequency, TreatmentType } from '@/api/types';

export const treatmentLabels: Record<TreatmentType, string> = {
  clear_aligners: 'Clear aligners',
  retainers: 'Retainers',
  other: 'Other',
};

export const frequencyLabels: Record<ScanFrequency, string> = {
  weekly: 'Weekly',
  biweekly: 'Every two weeks',
  monthly: 'Monthly',
};

export const languageLabels: Record<PreferredLanguage, string> = {
  en: 'English',
  es: 'Spanish (Español)',
  fr: 'French (Français)',
  de: 'German (Deutsch)',
};

export const ageBandLabels: Record<AgeBand, string> = {
  under_12: 'Under 12',
  '12_17': '12–17',
  '18_29': '18–29',
  '30_44': '30–44',
  '45_plus': '45 and over',
};

/** A calendar date (`1990-04-12`) shown without moving it through a time zone. */
export function formatDate(isoDate: string | null | undefined): string {
  if (!isoDate) return '—';
  const [y, m, d] = isoDate.slice(0, 10).split('-').map(Number);
  if (!y || !m || !d) return isoDate;
  return new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y, m - 1, d)),
  );
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function fullName(p: { firstName: string; lastName: string }): string {
  return `${p.firstName} ${p.lastName}`.trim();
}

/** The shape of an email address, checked before sending; the API has the last word. */
export function looksLikeEmail(value: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value.trim());
}
