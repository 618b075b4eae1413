import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DevMailboxLetter } from '@/api/client';
import { json, mockFetch, problem } from '@/test/http';
import { DevMailbox } from './DevMailbox';

afterEach(() => {
  vi.unstubAllGlobals();
});

function letter(over: Partial<DevMailboxLetter> = {}): DevMailboxLetter {
  return {
    id: 'l1', channel: 'email', recipient: 'dr.lee@practice.com', subject: 'Reset your OrthoScan password',
    body: 'Open this link:\nhttp://localhost:5000/reset-password/#token=K7QWM2PX9H', createdAt: '2026-12-07T09:40:00Z',
    ...over,
  };
}

describe('dev mailbox', () => {
  it('lists the letters newest first with channel, recipient, subject and body', async () => {
    const { calls } = mockFetch(() =>
      json(200, [
        letter(),
        letter({ id: 'l2', channel: 'sms', recipient: '+15550100', subject: null, body: 'Your code is 123456', createdAt: '2026-12-07T10:00:00Z' }),
      ]));
    render(<DevMailbox />);

    const list = await screen.findByTestId('dev-mailbox');
    const letters = within(list).getAllByTestId('dev-letter');
    expect(letters).toHaveLength(2);
    expect(letters[0]).toHaveTextContent('SMS');
    expect(letters[0]).toHaveTextContent('+15550100');
    expect(letters[0]).toHaveTextContent('Your code is 123456');
    expect(letters[1]).toHaveTextContent('Email');
    expect(letters[1]).toHaveTextContent('Reset your OrthoScan password');
    expect(letters[1]).toHaveTextContent('#token=K7QWM2PX9H');
    expect(calls[0].url).toBe('/api/v1/dev/mailbox');
  });

  it('filters by recipient and refreshes', async () => {
    const { calls } = mockFetch(() => json(200, []));
    const user = userEvent.setup();
    render(<DevMailbox />);
    expect(await screen.findByText('Nothing sent yet.')).toBeInTheDocument();

    await user.type(screen.getByLabelText(/Recipient/), 'dr.lee@practice.com');
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(calls).toHaveLength(2));
    expect(calls[1].url).toBe('/api/v1/dev/mailbox?recipient=dr.lee%40practice.com');

    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() => expect(calls).toHaveLength(3));
  });

  it('says the mailbox is off when the API answers 404', async () => {
    mockFetch(() => problem(404, { title: 'Not found.' }));
    render(<DevMailbox />);
    expect(await screen.findByText('The dev mailbox is off here. It is on only in local runs (make run).')).toBeInTheDocument();
    expect(screen.queryByTestId('dev-mailbox')).not.toBeInTheDocument();
  });
});
