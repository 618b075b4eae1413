import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Message, MessageThread } from '@/api/types';
import { json, mockFetch, problem } from '@/test/http';
import { Messages } from './Messages';

afterEach(() => vi.unstubAllGlobals());

const patientId = '0195f3b0-2d4e-7a1b-8c9d-0e1f2a3b4c50';
const threadId = '0195f3b0-2d4e-7a1b-8c9d-0e1f2a3b4c51';

const thread: MessageThread = {
  id: threadId, patientId, patientName: 'Pat Writer', unread: 1, lastMessage: 'The left side feels tight.',
  lastSenderType: 'patient', lastMessageAt: '2026-12-07T10:05:00Z',
};

const fromDoctor: Message = {
  id: '0195f3b0-2d4e-7a1b-8c9d-0e1f2a3b4c60', threadId, senderType: 'doctor', senderName: 'Dr. Samuel Okafor',
  content: 'Your aligners fit well.', attachments: [], readAt: '2026-12-07T10:01:00Z', createdAt: '2026-12-07T10:00:00Z',
};
const fromPatient: Message = {
  id: '0195f3b0-2d4e-7a1b-8c9d-0e1f2a3b4c61', threadId, senderType: 'patient', senderName: 'Pat Writer',
  content: 'The left side feels tight.', attachments: [], readAt: null, createdAt: '2026-12-07T10:05:00Z',
};

function routes(options: { failSendOnce?: boolean } = {}) {
  let failures = options.failSendOnce ? 1 : 0;
  const sent: Message[] = [];
  const http = mockFetch((call) => {
    if (call.url.startsWith('/api/v1/messages/threads/')) return json(200, { items: [...sent, fromPatient, fromDoctor], nextCursor: null });
    if (call.url.startsWith('/api/v1/messages/threads')) return json(200, { items: [thread], nextCursor: null });
    if (call.method === 'PATCH' && call.url.endsWith('/read')) return json(200, { ...fromPatient, readAt: '2026-12-07T10:06:00Z' });
    if (call.method === 'POST' && call.url === '/api/v1/messages') {
      if (failures-- > 0) return problem(503, { title: 'Service unavailable.', type: 'https://orthoscan.app/problems/unavailable' });
      const body = call.body as { content: string };
      const message: Message = { ...fromDoctor, id: `0195f3b0-2d4e-7a1b-8c9d-0e1f2a3b4c7${sent.length}`, content: body.content, readAt: null, createdAt: '2026-12-07T10:10:00Z' };
      sent.unshift(message);
      return json(201, message);
    }
    return problem(404, { title: 'Not found.', type: 'https://orthoscan.app/problems/not-found' });
  });
  return http;
}

describe('Messages', () => {
  it('lists conversations with unread badges, opens one oldest first and marks the patient\'s message read', async () => {
    const user = userEvent.setup();
    const http = routes();
    render(<Messages />);

    const list = await screen.findByRole('list', { name: 'Conversations' });
    expect(within(list).getByText('Pat Writer')).toBeInTheDocument();
    expect(within(list).getByLabelText('1 unread')).toBeInTheDocument();

    await user.click(within(list).getByRole('button', { name: /Pat Writer/ }));
    const messages = await screen.findByRole('list', { name: 'Messages' });
    expect(within(messages).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      expect.stringContaining('Your aligners fit well.'),
      expect.stringContaining('The left side feels tight.'),
    ]);
    await waitFor(() => expect(within(list).queryByLabelText('1 unread')).not.toBeInTheDocument());
    const reads = http.calls.filter((c) => c.method === 'PATCH');
    expect(reads.map((c) => c.url)).toEqual([`/api/v1/messages/${fromPatient.id}/read`]);
  });

  it('sends a message to the patient, and a retry after a failure reuses the draft\'s Idempotency-Key', async () => {
    const user = userEvent.setup();
    const http = routes({ failSendOnce: true });
    render(<Messages initialPatientId={patientId} />);

    const text = await screen.findByLabelText('Message');
    await user.type(text, 'Please wear them 22 hours a day.');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByText('Service unavailable.')).toBeInTheDocument();
    expect(text).toHaveValue('Please wear them 22 hours a day.');

    await user.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(text).toHaveValue(''));
    const sends = http.calls.filter((c) => c.method === 'POST');
    expect(sends).toHaveLength(2);
    expect(sends[0].body).toEqual({ patientId, content: 'Please wear them 22 hours a day.', attachmentImageId: null });
    expect(sends[1].headers['Idempotency-Key']).toBe(sends[0].headers['Idempotency-Key']);
    expect(await screen.findByText('Please wear them 22 hours a day.')).toBeInTheDocument();
  });

  it('loads more conversations and older messages page by page', async () => {
    const user = userEvent.setup();
    const other: MessageThread = { ...thread, id: '0195f3b0-2d4e-7a1b-8c9d-0e1f2a3b4c52', patientId: '0195f3b0-2d4e-7a1b-8c9d-0e1f2a3b4c53', patientName: 'Older Patient', unread: 0 };
    mockFetch((call) => {
      if (call.url.startsWith('/api/v1/messages/threads/')) {
        return call.url.includes('cursor=')
          ? json(200, { items: [fromDoctor], nextCursor: null })
          : json(200, { items: [fromPatient], nextCursor: 'older' });
      }
      if (call.url.startsWith('/api/v1/messages/threads')) {
        return call.url.includes('cursor=') ? json(200, { items: [other], nextCursor: null }) : json(200, { items: [thread], nextCursor: 'next' });
      }
      if (call.method === 'PATCH') return json(200, { ...fromPatient, readAt: '2026-12-07T10:06:00Z' });
      return problem(404, { title: 'Not found.', type: 'https://orthoscan.app/problems/not-found' });
    });
    render(<Messages />);

    const list = await screen.findByRole('list', { name: 'Conversations' });
    const [moreThreads] = screen.getAllByRole('button', { name: 'Load more' });
    await user.click(moreThreads);
    expect(await within(list).findByText('Older Patient')).toBeInTheDocument();

    await user.click(within(list).getByRole('button', { name: /Pat Writer/ }));
    const messages = await screen.findByRole('list', { name: 'Messages' });
    expect(within(messages).getAllByRole('listitem')).toHaveLength(1);
    const section = screen.getByRole('region', { name: 'Conversation' });
    await user.click(within(section).getByRole('button', { name: 'Load more' }));
    await waitFor(() => expect(within(messages).getAllByRole('listitem').map((li) => li.textContent)).toEqual([
      expect.stringContaining('Your aligners fit well.'),
      expect.stringContaining('The left side feels tight.'),
    ]));
  });

  it('says what to do when there is no conversation yet', async () => {
    mockFetch(() => json(200, { items: [], nextCursor: null }));
    render(<Messages />);
    expect(await screen.findByText('No conversations yet')).toBeInTheDocument();
  });

  it('shows the problem with a retry when the conversations cannot be loaded', async () => {
    mockFetch(() => problem(500, { title: 'Something went wrong.', type: 'https://orthoscan.app/problems/internal' }));
    render(<Messages />);
    expect(await screen.findByText('Something went wrong.')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: /retry/i })).toBeInTheDocument();
  });
});
