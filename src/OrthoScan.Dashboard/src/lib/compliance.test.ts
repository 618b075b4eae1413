import { describe, expect, it } from 'vitest';
import type { ComplianceItem } from '@/api/types';
import { dueLabel, filterCompliance, nextSort, sortCompliance, summarise } from './compliance';

function item(name: string, over: Partial<ComplianceItem> = {}): ComplianceItem {
  return {
    patientId: `id-${name}`,
    patientName: name,
    scanFrequency: 'weekly',
    timezone: 'Europe/Madrid',
    lastScanAt: null,
    dueOn: '2026-11-20',
    daysOverdue: 0,
    missedScans90d: 0,
    trackingTrend: [],
    status: 'active',
    ...over,
  };
}

const ana = item('Ana García', { daysOverdue: 5, missedScans90d: 1, lastScanAt: '2026-11-01T09:00:00Z' });
const ben = item('Ben Adams', { daysOverdue: -2, missedScans90d: 4, lastScanAt: '2026-11-15T09:00:00Z' });
const chloe = item('Chloé Zola', { daysOverdue: 12, missedScans90d: 2, lastScanAt: null });
const dan = item('Dan Berg', { daysOverdue: 0, status: 'paused', lastScanAt: '2026-10-20T09:00:00Z' });
const all = [ana, ben, chloe, dan];
const names = (items: ComplianceItem[]) => items.map((i) => i.patientName);

describe('compliance sorting', () => {
  it('puts the most overdue first by default and the soonest due last', () => {
    expect(names(sortCompliance(all, { key: 'daysOverdue', direction: 'desc' }))).toEqual(['Chloé Zola', 'Ana García', 'Dan Berg', 'Ben Adams']);
  });

  it('sorts by last name, accents ignored, either way', () => {
    expect(names(sortCompliance(all, { key: 'name', direction: 'asc' }))).toEqual(['Ben Adams', 'Dan Berg', 'Ana García', 'Chloé Zola']);
    expect(names(sortCompliance(all, { key: 'name', direction: 'desc' }))).toEqual(['Chloé Zola', 'Ana García', 'Dan Berg', 'Ben Adams']);
  });

  it('sorts by missed scans, most first', () => {
    expect(names(sortCompliance(all, { key: 'missedScans', direction: 'desc' }))).toEqual(['Ben Adams', 'Chloé Zola', 'Ana García', 'Dan Berg']);
  });

  it('sorts by last scan with never-scanned patients as the oldest', () => {
    expect(names(sortCompliance(all, { key: 'lastScan', direction: 'asc' }))).toEqual(['Chloé Zola', 'Dan Berg', 'Ana García', 'Ben Adams']);
    expect(names(sortCompliance(all, { key: 'lastScan', direction: 'desc' }))[3]).toBe('Chloé Zola');
  });

  it('flips the current column and starts a new column in its most urgent direction', () => {
    expect(nextSort({ key: 'daysOverdue', direction: 'desc' }, 'daysOverdue')).toEqual({ key: 'daysOverdue', direction: 'asc' });
    expect(nextSort({ key: 'daysOverdue', direction: 'desc' }, 'name')).toEqual({ key: 'name', direction: 'asc' });
    expect(nextSort({ key: 'name', direction: 'asc' }, 'missedScans')).toEqual({ key: 'missedScans', direction: 'desc' });
  });

  it('does not reorder the list it was given', () => {
    const copy = [...all];
    sortCompliance(all, { key: 'name', direction: 'asc' });
    expect(all).toEqual(copy);
  });
});

describe('compliance filtering', () => {
  it('finds a patient by the start of any name, without accents or case', () => {
    expect(names(filterCompliance(all, { search: 'garc', status: '' }))).toEqual(['Ana García']);
    expect(names(filterCompliance(all, { search: 'CHLOE', status: '' }))).toEqual(['Chloé Zola']);
    expect(names(filterCompliance(all, { search: 'gar an', status: '' }))).toEqual(['Ana García']);
    expect(filterCompliance(all, { search: 'rcia', status: '' })).toEqual([]);
  });

  it('filters by status and search together', () => {
    expect(names(filterCompliance(all, { search: '', status: 'paused' }))).toEqual(['Dan Berg']);
    expect(names(filterCompliance(all, { search: 'ben', status: 'active' }))).toEqual(['Ben Adams']);
    expect(filterCompliance(all, { search: 'ben', status: 'paused' })).toEqual([]);
  });
});

describe('compliance figures', () => {
  it('counts overdue, due soon (not paused) and missed scans', () => {
    expect(summarise(all)).toEqual({ overdue: 2, dueSoon: 1, missedScans: 7 });
  });

  it('says when a scan is due in plain words', () => {
    expect(dueLabel(12)).toBe('12 days overdue');
    expect(dueLabel(1)).toBe('1 day overdue');
    expect(dueLabel(0)).toBe('Due today');
    expect(dueLabel(-1)).toBe('Due tomorrow');
    expect(dueLabel(-6)).toBe('Due in 6 days');
  });
});
