import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Message, TimelineItem } from '@/api/types';
import { json, mockFetch, problem } from '@/test/http';
import { Composer, type ComposerPhoto } from './Composer';

afterEach(() => vi.unstubAllGlobals());

const patientId = '0195f3b0-2d4e-7a1b-8c9d-0e1f2a3b4c50';
const later = new Date(Date.now() + 10 * 60_000).toISOString();

const front: ComposerPhoto = { imageId: 'img-front', imageType: 'frontal', url: '/blob/front/t' };
const left: ComposerPhoto = { imageId: 'img-left', imageType: 'buccal_l', url: '/blob/left/t' };

function sentMessage(content: string): Message {
  return {
    id: '0195f3b0-2d4e-7a1b-8c9d-0e1f2a3b4c70', threadId: '0195f3b0-2d4e-7a1b-8c9d-0e1f2a3b4c51', senderType: 'doctor',
    senderName: 'Dr. Samuel Okafor', content, attachments: [], readAt: null, createdAt: '2026-12-07T10:10:00Z',
  };
}

function scan(n: number, aligner: number, withUrls = true): TimelineItem {
  return {
    id: `session-${n}`, patientId, alignerNumber: aligner, status: 'reviewed', createdAt: `2026-12-0${n}T08:00:00Z`,
    submittedAt: `2026-12-0${n}T08:00:00Z`, processedAt: null, patientFeedback: null, outcome: null,
    images: (['frontal', 'buccal_l'] as const).map((v) => ({
      id: `session-${n}-${v}`, imageType: v, status: 'processed', qualityScore: 80, qualityIssues: [], retakeReasons: [],
      width: 1600, height: 1200, capturedAt: null,
      urls: withUrls ? { thumbnail: `/blob/${n}/${v}/t`, display: `/blob/${n}/${v}/d`, full: `/blob/${n}/${v}/f`, expiresAt: later } : null,
    })),
  };
}

/** POST /messages fails `failures` times with 503, then answers 201; the patient's scans answer `sessions`. */
function routes({ failures = 0, sessions = [] as TimelineItem[] } = {}) {
  let left = failures;
  return mockFetch((call) => {
    if (call.method === 'POST' && call.url === '/api/v1/messages') {
      if (left-- > 0) return problem(503, { title: 'Service unavailable.' });
      return json(201, sentMessage((call.body as { content: string }).content));
    }
    if (call.url.startsWith(`/api/v1/patients/${patientId}/sessions`)) return json(200, { items: sessions, nextCursor: null });
    return problem(404, { title: 'Not found.' });
  });
}

const sends = (calls: ReturnType<typeof routes>['calls']) => calls.filter((c) => c.method === 'POST' && c.url === '/api/v1/messages');

async function choose(user: ReturnType<typeof userEvent.setup>, name: string) {
  await user.click(screen.getByRole('button', { name: 'Attach a photo' }));
  const picker = screen.getByRole('dialog', { name: 'Choose a photo to attach' });
  await user.click(await within(picker).findByRole('button', { name }));
}

describe('Composer attachments', () => {
  it('sends the chosen photo\'s image id; a retry keeps the Idempotency-Key, another photo gets a new one', async () => {
    const user = userEvent.setup();
    const http = routes({ failures: 2 });
    const onSent = vi.fn();
    render(<Composer patientId={patientId} photos={[front, left]} onSent={onSent} />);

    await choose(user, 'Attach Front');
    expect(screen.getByRole('img', { name: 'Attached: Front' })).toHaveAttribute('src', '/blob/front/t');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    // A photo alone is no message: the API asks for text.
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    await user.type(screen.getByLabelText('Message'), 'Look at the left side.');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByText('Service unavailable.')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => expect(sends(http.calls)).toHaveLength(2));

    await choose(user, 'Attach Left side');
    expect(screen.getByRole('img', { name: 'Attached: Left side' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Send' }));

    await waitFor(() => expect(onSent).toHaveBeenCalledTimes(1));
    const [first, retry, changed] = sends(http.calls);
    expect(first.body).toEqual({ patientId, content: 'Look at the left side.', attachmentImageId: 'img-front' });
    expect(retry.headers['Idempotency-Key']).toBe(first.headers['Idempotency-Key']);
    expect(changed.body).toEqual({ patientId, content: 'Look at the left side.', attachmentImageId: 'img-left' });
    expect(changed.headers['Idempotency-Key']).not.toBe(first.headers['Idempotency-Key']);
    // Sent: the draft and its photo are gone.
    expect(screen.getByLabelText('Message')).toHaveValue('');
    expect(screen.queryByTestId('message-attachment')).not.toBeInTheDocument();
  });

  it('removing the attached photo sends null, under a new Idempotency-Key', async () => {
    const user = userEvent.setup();
    const http = routes({ failures: 1 });
    render(<Composer patientId={patientId} photos={[front, left]} onSent={() => undefined} />);

    await user.type(screen.getByLabelText('Message'), 'Keep going!');
    await choose(user, 'Attach Front');
    await user.click(screen.getByRole('button', { name: 'Send' }));
    expect(await screen.findByText('Service unavailable.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Remove the attached photo' }));
    expect(screen.queryByTestId('message-attachment')).not.toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Attach a photo' })).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Send' }));

    await waitFor(() => expect(sends(http.calls)).toHaveLength(2));
    const [withPhoto, without] = sends(http.calls);
    expect(withPhoto.body).toMatchObject({ attachmentImageId: 'img-front' });
    expect(without.body).toEqual({ patientId, content: 'Keep going!', attachmentImageId: null });
    expect(without.headers['Idempotency-Key']).not.toBe(withPhoto.headers['Idempotency-Key']);
  });

  it('without photos given, loads the patient\'s newest scans when the picker opens and sends the chosen one', async () => {
    const user = userEvent.setup();
    const http = routes({ sessions: [scan(4, 7), scan(3, 6, false), scan(2, 5), scan(1, 4)] });
    render(<Composer patientId={patientId} onSent={() => undefined} />);
    expect(http.calls).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Attach a photo' }));
    const picker = screen.getByRole('dialog', { name: 'Choose a photo to attach' });
    // Newest first; a scan without photos to show is left out.
    const lists = await within(picker).findAllByRole('list');
    expect(lists.map((l) => l.getAttribute('aria-label'))).toEqual([
      expect.stringMatching(/^Aligner 7 · /), expect.stringMatching(/^Aligner 5 · /), expect.stringMatching(/^Aligner 4 · /),
    ]);
    expect(http.calls.map((c) => c.url)).toEqual([`/api/v1/patients/${patientId}/sessions?limit=20`]);
    await user.click(within(lists[1]).getByRole('button', { name: /^Attach Left side, aligner 5/ }));
    await user.type(screen.getByLabelText('Message'), 'Compare with this one.');
    await user.click(screen.getByRole('button', { name: 'Send' }));

    await waitFor(() => expect(sends(http.calls)).toHaveLength(1));
    expect(sends(http.calls)[0].body).toEqual({ patientId, content: 'Compare with this one.', attachmentImageId: 'session-2-buccal_l' });
  });

  it('the photo picker is labelled and keyboard-usable: arrows move, Enter attaches, Escape closes it', async () => {
    const user = userEvent.setup();
    routes();
    render(<Composer patientId={patientId} photos={[front, left]} onSent={() => undefined} />);

    const attach = screen.getByRole('button', { name: 'Attach a photo' });
    attach.focus();
    await user.keyboard('{Enter}');
    expect(attach).toHaveAttribute('aria-expanded', 'true');
    const picker = screen.getByRole('dialog', { name: 'Choose a photo to attach' });
    expect(within(picker).getByRole('button', { name: 'Attach Front' })).toHaveFocus();
    await user.keyboard('{ArrowRight}');
    expect(within(picker).getByRole('button', { name: 'Attach Left side' })).toHaveFocus();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(attach).toHaveFocus();
    expect(attach).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByTestId('message-attachment')).not.toBeInTheDocument();

    await user.keyboard('{Enter}');
    await user.keyboard('{ArrowRight}{Enter}');
    expect(screen.getByRole('img', { name: 'Attached: Left side' })).toBeInTheDocument();
    expect(screen.getByLabelText('Message')).toHaveFocus();
  });
});
