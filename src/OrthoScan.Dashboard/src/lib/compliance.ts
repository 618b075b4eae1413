import type { ComplianceItem } from '@/api/types';

export type ComplianceSortKey = 'daysOverdue' | 'name' | 'missedScans' | 'lastScan';
export type SortDirection = 'asc' | 'desc';
export interface ComplianceSort {
  key: ComplianceSortKey;
  direction: SortDirection;
}

export type ComplianceStatusFilter = '' | 'active' | 'paused';

export interface ComplianceFilter {
  search: string;
  status: ComplianceStatusFilter;
}

/** The direction a column starts in when first chosen: the most urgent patients on top. */
export const firstDirection: Record<ComplianceSortKey, SortDirection> = {
  daysOverdue: 'desc',
  name: 'asc',
  missedScans: 'desc',
  lastScan: 'asc',
};

/** Clicking the current column flips it; another column starts in its most useful direction. */
export function nextSort(current: ComplianceSort, key: ComplianceSortKey): ComplianceSort {
  return current.key === key
    ? { key, direction: current.direction === 'asc' ? 'desc' : 'asc' }
    : { key, direction: firstDirection[key] };
}

const collator = new Intl.Collator(undefined, { sensitivity: 'base' });

/** "Ana García" sorts by "García, Ana", as the patient list does. */
function sortName(item: ComplianceItem): string {
  const name = item.patientName.trim();
  const space = name.lastIndexOf(' ');
  return space < 0 ? name : `${name.slice(space + 1)} ${name.slice(0, space)}`;
}

function compareBy(key: ComplianceSortKey, a: ComplianceItem, b: ComplianceItem): number {
  switch (key) {
    case 'daysOverdue':
      return a.daysOverdue - b.daysOverdue;
    case 'missedScans':
      return a.missedScans90d - b.missedScans90d;
    case 'name':
      return collator.compare(sortName(a), sortName(b));
    case 'lastScan': {
      // Never scanned is the oldest "last scan" of all: it comes first when the oldest come first.
      const ta = a.lastScanAt ? Date.parse(a.lastScanAt) : Number.NEGATIVE_INFINITY;
      const tb = b.lastScanAt ? Date.parse(b.lastScanAt) : Number.NEGATIVE_INFINITY;
      return ta === tb ? 0 : ta < tb ? -1 : 1;
    }
  }
}

/** Sorted copy; ties fall back to the most overdue, then the name, so the order never jumps between renders. */
export function sortCompliance(items: readonly ComplianceItem[], sort: ComplianceSort): ComplianceItem[] {
  const sign = sort.direction === 'asc' ? 1 : -1;
  return [...items].sort(
    (a, b) =>
      sign * compareBy(sort.key, a, b) ||
      b.daysOverdue - a.daysOverdue ||
      compareBy('name', a, b) ||
      a.patientId.localeCompare(b.patientId),
  );
}

function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}

/** Every word typed must start a word of the name, accents ignored: "gar an" finds "Ana García". */
export function filterCompliance(items: readonly ComplianceItem[], filter: ComplianceFilter): ComplianceItem[] {
  const terms = fold(filter.search).split(/\s+/).filter(Boolean);
  return items.filter((item) => {
    if (filter.status && item.status !== filter.status) return false;
    if (terms.length === 0) return true;
    const words = fold(item.patientName).split(/[\s-]+/);
    return terms.every((term) => words.some((word) => word.startsWith(term)));
  });
}

export interface ComplianceSummary {
  overdue: number;
  dueSoon: number;
  missedScans: number;
}

/** Due within the next three days counts as soon: the team can nudge them before they slip. */
export function summarise(items: readonly ComplianceItem[]): ComplianceSummary {
  return {
    overdue: items.filter((i) => i.daysOverdue > 0).length,
    dueSoon: items.filter((i) => i.daysOverdue <= 0 && i.daysOverdue >= -3 && i.status !== 'paused').length,
    missedScans: items.reduce((sum, i) => sum + i.missedScans90d, 0),
  };
}

/** "12 days overdue", "Due today", "Due in 3 days", for the days-overdue column. */
export function dueLabel(daysOverdue: number): string {
  if (daysOverdue === 1) return '1 day overdue';
  if (daysOverdue > 1) return `${daysOverdue} days overdue`;
  if (daysOverdue === 0) return 'Due today';
  if (daysOverdue === -1) return 'Due tomorrow';
  return `Due in ${-daysOverdue} days`;
}
