import { describe, expect, it } from 'vitest';
import { progress } from '@/test/billing';
import { formatMoney, formatPeriod, progressAdvice } from './billing';

describe('billing formatting', () => {
  it('says how many more scans reach the next tier, or what to do when there is none to reach', () => {
    expect(progressAdvice(progress({ sessionsToNextTier: 6, nextTier: { minRatePercent: 75, discountPercent: 10 } })))
      .toBe("Tag 6 more of this month's scans within 14 days to reach 10 %");
    expect(progressAdvice(progress({ received: 0, tagged: 0, rate: null, sessionsToNextTier: null })))
      .toBe('No scans received this month yet. Tag each new scan within 14 days: at 50 % of scans tagged you earn 5 % off.');
    expect(progressAdvice(progress({ nextTier: null, sessionsToNextTier: null, currentPercent: 15 })))
      .toBe("You are on the top discount tier (15 %). Keep tagging this month's scans within 14 days to stay there.");
  });

  it('reads money in minor units of its currency, and a period by its last day, not the exclusive end', () => {
    expect(formatMoney(12900, 'eur')).toMatch(/129\.00/);
    expect(formatMoney(1500, 'jpy')).toMatch(/1,500/);
    expect(formatPeriod('2026-11-01T00:00:00Z', '2026-12-01T00:00:00Z')).toMatch(/Nov 1, 2026 – Nov 30, 2026/);
  });
});
