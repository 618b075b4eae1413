import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PlatformBilling } from '@/api/billing';
import type { PracticeSummary } from '@/api/types';
import { json, mockFetch } from '@/test/http';
import { AuditLog } from './AuditLog';
import { PlatformBillingOverview } from './PlatformBillingOverview';
import { PracticesOverview } from './PracticesOverview';

afterEach(() => vi.unstubAllGlobals());

function practice(name: string, over: Partial<PracticeSummary> = {}): PracticeSummary {
  return {
    practiceId: `id-${name}`, name, subscriptionTier: 'professional', status: 'active', createdAt: '2026-09-01T10:00:00Z',
    activePatients: 42, scansLast7Days: 12, scansLast28Days: 51, taggingRate: 0.8, ...over,
  };
}

describe('admin pages', () => {
  it('lists practices with plan, status, active patients, scans and tagging rate, beside a chart', async () => {
    const { calls } = mockFetch(() => json(200, { items: [practice('Bright Smiles'), practice('Harbour Ortho', { subscriptionTier: 'trial', taggingRate: null, scansLast28Days: 0 })], nextCursor: 'next' }));
    render(<PracticesOverview />);
    await waitFor(() => expect(screen.getAllByTestId('practice-row')).toHaveLength(2));
    expect(calls[0].url).toBe('/api/v1/admin/practices?limit=50');
    const [bright, harbour] = screen.getAllByTestId('practice-row');
    expect(bright).toHaveTextContent(/Bright Smiles.*Professional.*active.*42.*12.*51.*80%/);
    expect(within(harbour).getByText('Trial')).toBeInTheDocument();
    expect(within(harbour).getByText('—')).toBeInTheDocument();
    expect(screen.getByTestId('chart-practices')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Load more' })).toBeInTheDocument();
  });

  it('shows MRR, the plans breakdown, who is past due and the discounts per period', async () => {
    const billing: PlatformBilling = {
      mode: 'offline', currency: 'eur', mrrMinor: 123400,
      plans: [{ plan: 'starter', practices: 2, mrrMinor: 19800 }, { plan: 'professional', practices: 4, mrrMinor: 99600 }],
      pastDue: [{ practiceId: 'p1', practiceName: 'Harbour Ortho', since: '2026-12-01T00:00:00Z', graceEndsAt: '2026-12-08T00:00:00Z' }],
      discounts: [{ periodStart: '2026-10-01T00:00:00Z', periodEnd: '2026-11-01T00:00:00Z', proposed: 6, approved: 4, rejected: 1, grantedAmountMinor: 8960 }],
    };
    mockFetch(() => json(200, billing));
    render(<PlatformBillingOverview />);
    expect(await screen.findByTestId('mrr')).toHaveTextContent(/1,234\.00/);
    expect(screen.getByTestId('practices-count')).toHaveTextContent('6');
    expect(screen.getByText('Billing is offline: no card is charged. Revenue figures are what the plans would bill.')).toBeInTheDocument();
    expect(screen.getByTestId('chart-plans')).toBeInTheDocument();
    expect(within(screen.getByTestId('past-due')).getByText('Harbour Ortho')).toBeInTheDocument();
    expect(screen.getByTestId('discounts')).toHaveTextContent(/Oct 2026\s*6\s*4\s*1\s*€89\.60/);
  });

  it('lists the platform audit chain and verifies it on demand, saying where it broke', async () => {
    let valid = true;
    const { calls } = mockFetch((call) => {
      if (call.url === '/api/v1/admin/audit/verify') return json(200, valid ? { valid: true, rows: 2, firstBrokenSeq: null } : { valid: false, rows: 2, firstBrokenSeq: 7 });
      return json(200, {
        items: [{ seq: 8, occurredAt: '2026-12-07T09:00:00Z', actorUserId: 'aaaaaaaa-1111', actorRole: 'finance', action: 'discount.approved', resourceType: 'discount_proposal', resourceId: 'bbbbbbbb-2222', practiceId: 'cccccccc-3333' }],
        nextCursor: null,
      });
    });
    const user = userEvent.setup();
    render(<AuditLog />);
    const entry = await screen.findByTestId('audit-entry');
    expect(entry).toHaveTextContent(/8.*Finance.*aaaaaaaa.*discount\.approved.*discount_proposal.*bbbbbbbb.*cccccccc/);
    expect(calls[0].url).toBe('/api/v1/admin/audit?limit=20');

    await user.click(screen.getByRole('button', { name: 'Verify chain' }));
    expect(await screen.findByRole('status')).toHaveTextContent('The chain is intact: all 2 entries');
    valid = false;
    await user.click(screen.getByRole('button', { name: 'Verify chain' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('The chain is broken at entry 7');
  });
});
