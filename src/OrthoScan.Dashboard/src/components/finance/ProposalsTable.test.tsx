import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { proposal } from '@/test/billing';
import { json, mockFetch, problem, type Call } from '@/test/http';
import { ProposalsTable } from './ProposalsTable';

afterEach(() => vi.unstubAllGlobals());

const rows = () => screen.getAllByTestId('proposal');
const decisions = (calls: Call[]) => calls.filter((c) => c.method === 'POST');

describe('ProposalsTable', () => {
  it('lists the proposals waiting for a decision with rate, trend, percent and amount, and approves one in a click', async () => {
    const { calls } = mockFetch((call) => {
      if (call.method === 'POST') return json(200, proposal('a', { status: 'approved', approvedPercent: 10, decidedAt: '2026-12-07T09:00:00Z' }));
      return json(200, { items: [proposal('a'), proposal('b', { practiceName: 'Harbour Ortho', trend: [] })], nextCursor: null });
    });
    const user = userEvent.setup();
    render(<ProposalsTable canDecide />);

    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(calls[0].url).toBe('/api/v1/admin/tagging-rates?status=proposed&limit=20');
    const first = within(rows()[0]);
    expect(first.getByText('Practice a')).toBeInTheDocument();
    expect(first.getByText('78%')).toBeInTheDocument();
    expect(first.getByText('10 %')).toBeInTheDocument();
    expect(rows()[0]).toHaveTextContent(/24\.90/);
    expect(first.getByTestId('trend')).toHaveTextContent('Tagging rate of Practice a: Aug 2026: 50%, Sep 2026: 60%, Oct 2026: 78%');

    await user.click(first.getByRole('button', { name: 'Approve Practice a, Oct 2026' }));

    expect(decisions(calls)).toEqual([expect.objectContaining({ url: '/api/v1/admin/tagging-rates/a/decision', body: { action: 'approve' } })]);
    expect(await within(rows()[0]).findByRole('status')).toHaveTextContent('Approved.');
    expect(within(rows()[0]).getByText('10 % granted')).toBeInTheDocument();
    expect(within(rows()[0]).queryByRole('button', { name: /Approve/ })).not.toBeInTheDocument();
  });

  it('will not send an adjustment without a reason, then sends percent and reason', async () => {
    const { calls } = mockFetch((call) => {
      if (call.method === 'POST') return json(200, proposal('a', { status: 'adjusted', approvedPercent: 7.5, decisionReason: 'Two weeks of scanner outage' }));
      return json(200, { items: [proposal('a')], nextCursor: null });
    });
    const user = userEvent.setup();
    render(<ProposalsTable canDecide />);
    await user.click(await screen.findByRole('button', { name: 'Adjust Practice a, Oct 2026' }));

    const dialog = screen.getByRole('dialog', { name: 'Adjust the discount' });
    const percent = within(dialog).getByLabelText('Discount percent');
    expect(percent).toHaveFocus();
    await user.clear(percent);
    await user.type(percent, '7.5');
    await user.click(within(dialog).getByRole('button', { name: 'Save adjusted discount' }));

    expect(within(dialog).getByText(/Say why you adjust the discount/)).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Reason')).toHaveAttribute('aria-invalid', 'true');
    expect(decisions(calls)).toHaveLength(0);

    await user.clear(percent);
    await user.type(percent, '120');
    await user.type(within(dialog).getByLabelText('Reason'), 'Two weeks of scanner outage');
    await user.click(within(dialog).getByRole('button', { name: 'Save adjusted discount' }));
    expect(within(dialog).getByText('A percent from 0 to 100.')).toBeInTheDocument();
    expect(decisions(calls)).toHaveLength(0);

    await user.clear(percent);
    await user.type(percent, '7.5');
    await user.click(within(dialog).getByRole('button', { name: 'Save adjusted discount' }));

    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(decisions(calls)).toEqual([
      expect.objectContaining({ url: '/api/v1/admin/tagging-rates/a/decision', body: { action: 'adjust', percent: 7.5, reason: 'Two weeks of scanner outage' } }),
    ]);
    expect(within(rows()[0]).getByText('“Two weeks of scanner outage”')).toBeInTheDocument();
  });

  it('rejects with an optional reason', async () => {
    const { calls } = mockFetch((call) => {
      if (call.method === 'POST') return json(200, proposal('a', { status: 'rejected' }));
      return json(200, { items: [proposal('a')], nextCursor: null });
    });
    const user = userEvent.setup();
    render(<ProposalsTable canDecide />);
    await user.click(await screen.findByRole('button', { name: 'Reject Practice a, Oct 2026' }));
    await user.click(screen.getByRole('button', { name: 'Reject discount' }));
    await waitFor(() => expect(decisions(calls)).toHaveLength(1));
    expect(decisions(calls)[0].body).toEqual({ action: 'reject' });
    expect(await within(rows()[0]).findByRole('status')).toHaveTextContent('Rejected.');
  });

  it('shows a 409 as already decided by someone else and refreshes the row with their decision', async () => {
    const theirs = proposal('a', { status: 'adjusted', approvedPercent: 5, decisionReason: 'Partial month', decidedAt: '2026-12-07T08:59:00Z' });
    const { calls } = mockFetch((call) => {
      if (call.method === 'POST') return problem(409, { title: 'This proposal was already decided.', type: 'https://orthoscan.app/problems/already-decided' });
      if (call.url.includes('status=proposed')) return json(200, { items: [proposal('a'), proposal('b')], nextCursor: null });
      return json(200, { items: [theirs, proposal('b')], nextCursor: null });
    });
    const user = userEvent.setup();
    render(<ProposalsTable canDecide />);
    await user.click(await screen.findByRole('button', { name: 'Approve Practice a, Oct 2026' }));

    expect(await within(rows()[0]).findByRole('alert')).toHaveTextContent('Already decided by someone else.');
    await waitFor(() => expect(within(rows()[0]).getByText('“Partial month”')).toBeInTheDocument());
    expect(within(rows()[0]).getByText('Adjusted')).toBeInTheDocument();
    expect(within(rows()[0]).queryByRole('button', { name: /Approve/ })).not.toBeInTheDocument();
    expect(within(rows()[1]).getByRole('button', { name: 'Approve Practice b, Oct 2026' })).toBeEnabled();
    expect(calls.at(-1)?.url).toBe('/api/v1/admin/tagging-rates?limit=20');
  });

  it('filters by status and offers no decision buttons to a platform admin', async () => {
    const { calls } = mockFetch(() => json(200, { items: [proposal('a', { status: 'approved', approvedPercent: 10 })], nextCursor: null }));
    const user = userEvent.setup();
    render(<ProposalsTable canDecide={false} />);
    await waitFor(() => expect(rows()).toHaveLength(1));
    await user.selectOptions(screen.getByLabelText('Show'), 'approved');
    await waitFor(() => expect(calls.at(-1)?.url).toBe('/api/v1/admin/tagging-rates?status=approved&limit=20'));
    expect(screen.queryByRole('button', { name: /Approve|Adjust|Reject/ })).not.toBeInTheDocument();
  });
});
