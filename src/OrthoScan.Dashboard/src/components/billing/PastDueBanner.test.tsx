import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { subscription } from '@/test/billing';
import { json, mockFetch, problem } from '@/test/http';
import { PastDueBanner } from './PastDueBanner';

afterEach(() => vi.unstubAllGlobals());

describe('PastDueBanner', () => {
  it('asks the owner to update the payment method while payment is past due', async () => {
    mockFetch(() => json(200, subscription({ status: 'past_due', pastDueSince: '2026-12-01T10:00:00Z', graceEndsAt: '2026-12-08T10:00:00Z' })));
    render(<PastDueBanner />);
    const banner = await screen.findByTestId('past-due-banner');
    expect(banner).toHaveTextContent('Payment failed on Dec 1, 2026. Please update your payment method before Dec 8, 2026');
    expect(screen.getByRole('link', { name: 'Update payment method' })).toHaveAttribute('href', expect.stringMatching(/^\/billing\/?$/));
  });

  it('says adding patients and staff is paused, and care is not, once the practice is restricted', async () => {
    mockFetch(() => json(200, subscription({ status: 'past_due', restricted: true, pastDueSince: '2026-11-20T10:00:00Z', graceEndsAt: '2026-11-27T10:00:00Z' })));
    render(<PastDueBanner />);
    const banner = await screen.findByTestId('past-due-banner');
    expect(banner).toHaveTextContent('adding patients and staff is paused');
    expect(banner).toHaveTextContent('Care is not paused: scans, reviews, tagging and messages carry on as usual.');
  });

  it('shows nothing for a subscription in good standing, or when billing cannot be read', async () => {
    const { fn } = mockFetch(() => json(200, subscription({ status: 'active', plan: 'starter' })));
    const { unmount } = render(<PastDueBanner />);
    await vi.waitFor(() => expect(fn).toHaveBeenCalled());
    expect(screen.queryByTestId('past-due-banner')).not.toBeInTheDocument();
    unmount();
    mockFetch(() => problem(503, { title: 'Busy.' }));
    render(<PastDueBanner />);
    await new Promise((r) => setTimeout(r, 20));
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
  });
});
