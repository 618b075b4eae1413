import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { offlinePlans, progress, subscription } from '@/test/billing';
import { json, mockFetch, problem } from '@/test/http';
import { BillingOverview } from './BillingOverview';

afterEach(() => vi.unstubAllGlobals());

const trialing = subscription({
  plan: 'professional', status: 'trialing', trialEndsAt: '2026-12-21T00:00:00Z',
  currentPeriodStart: '2026-12-07T00:00:00Z', currentPeriodEnd: '2027-01-07T00:00:00Z', activePatientLimit: 250,
});

describe('BillingOverview', () => {
  it('says billing is offline, and choosing a plan posts it and shows the trial that started', async () => {
    const { calls } = mockFetch((call) => {
      if (call.url === '/api/v1/billing/plans') return json(200, offlinePlans);
      if (call.url === '/api/v1/billing/subscription') return json(200, subscription());
      if (call.url.startsWith('/api/v1/billing/invoices')) return json(200, { items: [], nextCursor: null });
      if (call.url === '/api/v1/billing/checkout') return json(200, { mode: 'offline', checkoutUrl: null, subscription: trialing });
      return problem(404, { title: 'Not found.' });
    });
    const user = userEvent.setup();
    render(<BillingOverview />);

    expect(await screen.findByTestId('billing-mode')).toHaveTextContent('Billing is offline: no card is charged.');
    expect(screen.queryByRole('button', { name: 'Manage payment' })).not.toBeInTheDocument();
    const plans = screen.getByRole('list', { name: 'Plans' });
    expect(within(plans).getAllByRole('listitem')).toHaveLength(4);
    expect(within(screen.getByTestId('plan-professional')).getByText('Up to 250 active patients')).toBeInTheDocument();
    expect(within(screen.getByTestId('plan-enterprise')).getByText('Unlimited active patients')).toBeInTheDocument();
    expect(screen.getByTestId('plan-professional')).toHaveTextContent(/249/);

    await user.click(screen.getByRole('button', { name: 'Choose Professional' }));

    const checkout = calls.filter((c) => c.url === '/api/v1/billing/checkout');
    expect(checkout).toHaveLength(1);
    expect(checkout[0]).toMatchObject({ method: 'POST', body: { plan: 'professional' } });
    expect(await screen.findByText(/You are on the Professional plan/)).toBeInTheDocument();
    expect(screen.getByTestId('subscription-plan')).toHaveTextContent('Professional');
    expect(screen.getByTestId('subscription-status')).toHaveTextContent('Trial');
    expect(screen.getByTestId('active-patients')).toHaveTextContent('3 of 250');
    expect(within(screen.getByTestId('plan-professional')).getByRole('button', { name: 'Current plan' })).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Switch to Starter' })).toBeEnabled();
  });

  it('shows the discount earned, the next invoice with it, and how far this month is from the next tier', async () => {
    mockFetch((call) => {
      if (call.url === '/api/v1/billing/plans') return json(200, offlinePlans);
      if (call.url === '/api/v1/billing/subscription') {
        return json(200, {
          ...trialing,
          status: 'active',
          nextInvoice: { periodStart: '2027-01-07T00:00:00Z', periodEnd: '2027-02-07T00:00:00Z', subtotalMinor: 24900, discountMinor: 2490, totalMinor: 22410, currency: 'eur' },
          discount: { proposalId: 'p1', periodStart: '2026-10-01T00:00:00Z', periodEnd: '2026-11-01T00:00:00Z', rate: 0.8, percent: 10, status: 'approved', appliedAt: null, appliedTo: null },
          taggingProgress: progress({ received: 40, tagged: 24, rate: 0.6, currentPercent: 5, nextTier: { minRatePercent: 75, discountPercent: 10 }, sessionsToNextTier: 6 }),
        });
      }
      return json(200, { items: [], nextCursor: null });
    });
    render(<BillingOverview />);

    const earned = await screen.findByTestId('discount-earned');
    expect(earned).toHaveTextContent('10 % off');
    expect(earned).toHaveTextContent('approved by finance');
    expect(earned).toHaveTextContent('Applies to your next invoice.');
    expect(screen.getByTestId('next-invoice')).toHaveTextContent(/224\.10/);
    expect(screen.getByTestId('progress-counts')).toHaveTextContent('24 of 40');
    expect(screen.getByTestId('progress-current')).toHaveTextContent('5 %');
    expect(screen.getByTestId('progress-advice')).toHaveTextContent("Tag 6 more of this month's scans within 14 days to reach 10 %");
    const bar = screen.getByRole('progressbar');
    expect(bar).toHaveAttribute('aria-valuenow', '60');
    expect(bar).toHaveAccessibleName(/60% of 75 % needed for the next discount/);
  });

  it('shows the API problem and a retry when billing cannot be loaded', async () => {
    let fail = true;
    mockFetch((call) => {
      if (fail) return problem(503, { title: 'Billing is not available right now.' });
      if (call.url === '/api/v1/billing/plans') return json(200, offlinePlans);
      if (call.url === '/api/v1/billing/subscription') return json(200, subscription());
      return json(200, { items: [], nextCursor: null });
    });
    const user = userEvent.setup();
    render(<BillingOverview />);
    expect(await screen.findByText('Billing is not available right now.')).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.getByTestId('billing-mode')).toBeInTheDocument());
    expect(screen.getByTestId('subscription-status')).toHaveTextContent('No plan yet');
  });

  it('in Stripe mode offers Manage payment (the portal link) and follows the checkout link instead of completing locally', async () => {
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign });
    const { calls } = mockFetch((call) => {
      if (call.url === '/api/v1/billing/plans') return json(200, { ...offlinePlans, mode: 'stripe' });
      if (call.url === '/api/v1/billing/subscription') return json(200, subscription({ mode: 'stripe', plan: 'starter', status: 'active' }));
      if (call.url === '/api/v1/billing/portal') return json(200, { url: 'https://portal.example/session' });
      if (call.url === '/api/v1/billing/checkout') return json(200, { mode: 'stripe', checkoutUrl: 'https://checkout.example/session', subscription: subscription({ mode: 'stripe', status: 'incomplete' }) });
      return json(200, { items: [], nextCursor: null });
    });
    const user = userEvent.setup();
    render(<BillingOverview />);

    await user.click(await screen.findByRole('button', { name: 'Manage payment' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('https://portal.example/session'));
    expect(calls.find((c) => c.url === '/api/v1/billing/portal')?.method).toBe('POST');
    expect(screen.queryByTestId('billing-mode')).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Switch to Professional' }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('https://checkout.example/session'));
    expect(calls.find((c) => c.url === '/api/v1/billing/checkout')?.body).toEqual({ plan: 'professional' });
  });
});
