import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AiSuggestion, FeedItem, ScanSession } from '@/api/review';
import { json, mockFetch, problem, type Call } from '@/test/http';
import { taxonomy } from '@/test/taxonomy';
import { ReviewQueue } from './ReviewQueue';
import { reviewShortcuts } from './ShortcutsOverlay';

afterEach(() => vi.unstubAllGlobals());

const views = ['frontal', 'buccal_l', 'buccal_r', 'occlusal_u', 'occlusal_l'] as const;
const later = new Date(Date.now() + 10 * 60_000).toISOString();

function feedItem(n: number, name: string): FeedItem {
  return {
    sessionId: `s${n}`, patientId: `p${n}`, patientName: name, currentStage: 4, totalStages: 20, alignerNumber: 4,
    submittedAt: '2026-11-25T08:00:00Z', lowestQualityScore: 80, qualityFlags: [], images: [],
  };
}

function session(n: number, ai: AiSuggestion[] = []): ScanSession {
  return {
    id: `s${n}`, patientId: `p${n}`, alignerNumber: 4, status: 'ready', createdAt: '2026-11-25T08:00:00Z',
    submittedAt: '2026-11-25T08:00:00Z', processedAt: '2026-11-25T08:01:00Z', patientFeedback: null,
    images: views.map((v, i) => ({
      id: `s${n}-i${i}`, imageType: v, status: 'processed', qualityScore: 80, qualityIssues: v === 'frontal' ? ['blurry'] : [],
      retakeReasons: [], width: 1600, height: 1200, capturedAt: null,
      urls: { thumbnail: `/blob/${n}/${v}/t`, display: `/blob/${n}/${v}/d`, full: `/blob/${n}/${v}/f`, expiresAt: later },
    })),
    previous: null,
    aiSuggestions: ai,
    aiNotice: ai.length > 0 ? 'Suggestions are non-diagnostic aids; a doctor confirms every tag.' : null,
  };
}

const ai = (attribute: string, value: string, confidence = 0.8): AiSuggestion =>
  ({ attribute, value, confidence, modelName: 'demo-baseline', modelVersion: '2026.11' });

interface Api {
  sessions?: Record<string, ScanSession>;
  feed?: FeedItem[];
  tag?: (call: Call) => Response;
  overdue?: number;
}

function api({ sessions = { s1: session(1), s2: session(2) }, feed = [feedItem(1, 'Ana García'), feedItem(2, 'Ben Okafor')], tag, overdue = 0 }: Api = {}) {
  return mockFetch((call) => {
    const path = call.url.split('?')[0];
    if (path === '/api/v1/tags/taxonomy') return json(200, taxonomy);
    if (path === '/api/v1/dashboard/feed') return json(200, { items: feed, nextCursor: null });
    if (path === '/api/v1/dashboard/compliance') return json(200, { items: Array.from({ length: overdue }, (_, i) => ({ patientId: `o${i}`, daysOverdue: 2 })), truncated: false });
    if (path === '/api/v1/messages' && call.method === 'POST') {
      const body = call.body as { content: string; attachmentImageId: string | null };
      return json(201, {
        id: 'm1', threadId: 'th1', senderType: 'doctor', senderName: 'Dr. Samuel Okafor', content: body.content,
        attachments: body.attachmentImageId ? [{ imageId: body.attachmentImageId, imageType: 'frontal', url: '/blob/a' }] : [],
        readAt: null, createdAt: '2026-11-25T09:00:00Z',
      });
    }
    const tagMatch = /^\/api\/v1\/scans\/sessions\/([^/]+)\/tags$/.exec(path);
    if (tagMatch && call.method === 'POST') {
      return tag ? tag(call) : json(201, { tagSetId: 't1', sessionId: tagMatch[1], sessionStatus: 'reviewed', patientCurrentStage: 5, patientFeedback: 'Great tracking, move to aligner 5', reviewSeconds: 12 });
    }
    const sessionMatch = /^\/api\/v1\/scans\/sessions\/([^/]+)$/.exec(path);
    if (sessionMatch && sessions[sessionMatch[1]]) return json(200, sessions[sessionMatch[1]]);
    return problem(404, { title: 'Not found.' });
  });
}

function group(name: string) {
  return screen.getByRole('radiogroup', { name });
}

function checked(name: string) {
  return within(group(name)).queryByRole('radio', { checked: true })?.textContent ?? null;
}

async function opened(name = 'Ana García') {
  await screen.findByRole('link', { name });
  await screen.findByRole('radiogroup', { name: 'Tracking' });
}

describe('ReviewQueue keyboard', () => {
  it('reviews a scan without AI suggestions in five keys: digits set the focused score and move on, A, Enter', async () => {
    const { calls } = api();
    const user = userEvent.setup();
    render(<ReviewQueue canTag />);
    await opened();

    // The first undecided score has the focus, so no T is needed.
    await waitFor(() => expect(group('Tracking')).toContainElement(document.activeElement as HTMLElement));
    await user.keyboard('1');
    expect(checked('Tracking')).toContain('On track');
    expect(group('Aligner fit')).toContainElement(document.activeElement as HTMLElement);
    await user.keyboard('0');
    expect(checked('Aligner fit')).toContain('Not applicable');
    expect(group('Hygiene')).toContainElement(document.activeElement as HTMLElement);
    await user.keyboard('2');
    expect(checked('Hygiene')).toContain('Fair');
    expect(group('Action')).toContainElement(document.activeElement as HTMLElement);
    await user.keyboard('a');
    expect(checked('Action')).toContain('Approve next aligner');
    await user.keyboard('{Enter}');

    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1));
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.url).toBe('/api/v1/scans/sessions/s1/tags');
    expect(post.body).toMatchObject({
      taxonomyVersion: '2026.1', overallTracking: 1, alignerFit: null, oralHygiene: 2, detailTags: [],
      action: 'approve_progression', holdDays: null, notes: null,
    });
    expect(Date.parse((post.body as { reviewOpenedAt: string }).reviewOpenedAt)).toBeLessThanOrEqual(Date.now());
    // The next scan is on screen, and the first one left the queue.
    await opened('Ben Okafor');
    expect(screen.getByTestId('queue-count')).toHaveTextContent('1 scan waiting');
    expect(await screen.findByRole('status')).toHaveTextContent('Tagged Ana García. The patient will read: “Great tracking, move to aligner 5”');
  });

  it('pre-fills and marks AI suggestions, so agreeing is A then Enter', async () => {
    const { calls } = api({
      sessions: { s1: session(1, [ai('overall_tracking', '2', 0.81), ai('aligner_fit', '1'), ai('oral_hygiene', '3'), ai('detail_tag', 'plaque', 0.6)]), s2: session(2) },
    });
    const user = userEvent.setup();
    render(<ReviewQueue canTag />);
    await opened();

    expect(checked('Tracking')).toContain('Minor deviation');
    expect(checked('Aligner fit')).toContain('Fully seated');
    expect(checked('Hygiene')).toContain('Poor');
    expect(screen.getAllByTestId('ai-badge')[0]).toHaveTextContent('AI 2 · 81%');
    expect(screen.getByRole('button', { name: /Plaque/, pressed: true })).toBeInTheDocument();
    await waitFor(() => expect(group('Action')).toContainElement(document.activeElement as HTMLElement));

    await user.keyboard('a{Enter}');

    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({
      overallTracking: 2, alignerFit: 1, oralHygiene: 3, detailTags: [{ code: 'plaque', location: null }], action: 'approve_progression',
    });
  });

  it('never acts on keys typed into the notes, and Escape hands the keys back', async () => {
    const { calls } = api();
    const user = userEvent.setup();
    render(<ReviewQueue canTag />);
    await opened();

    await user.click(screen.getByLabelText(/Notes/));
    await user.keyboard('ant 3 n?');
    expect(screen.getByLabelText(/Notes/)).toHaveValue('ant 3 n?');
    expect(checked('Tracking')).toBeNull();
    expect(checked('Action')).toBeNull();
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Ana García' })).toBeInTheDocument();

    await user.keyboard('{Escape}');
    expect(group('Action')).toContainElement(document.activeElement as HTMLElement);
    await user.keyboard('n');
    await opened('Ben Okafor');
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('W selects the message action and writes in the box; Ctrl+Enter sends it as the notes', async () => {
    const { calls } = api();
    const user = userEvent.setup();
    render(<ReviewQueue canTag />);
    await opened();

    await user.keyboard('111w');
    expect(checked('Action')).toContain('Send message');
    expect(screen.getByLabelText('Message to the patient')).toHaveFocus();
    await user.keyboard('Wear them 22 hours a day{Control>}{Enter}{/Control}');

    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({ action: 'message', notes: 'Wear them 22 hours a day' });
  });

  it('M opens the composer for the patient of the scan; Ctrl+Enter sends it to them, says so and closes', async () => {
    const { calls } = api();
    const user = userEvent.setup();
    render(<ReviewQueue canTag />);
    await opened();
    const before = document.activeElement;

    await user.keyboard('m');
    const dialog = screen.getByRole('dialog', { name: 'Message Ana García' });
    const text = within(dialog).getByLabelText('Message');
    expect(text).toHaveFocus();
    // Review keys typed into the composer are text, not review actions.
    await user.keyboard('Wear them 22 hours a day 1an{Control>}{Enter}{/Control}');

    await waitFor(() => expect(calls.filter((c) => c.url === '/api/v1/messages')).toHaveLength(1));
    const sent = calls.find((c) => c.url === '/api/v1/messages')!;
    expect(sent.method).toBe('POST');
    expect(sent.body).toEqual({ patientId: 'p1', content: 'Wear them 22 hours a day 1an', attachmentImageId: null });
    expect(sent.headers['Idempotency-Key']).toBeTruthy();
    expect(await screen.findByRole('status')).toHaveTextContent('Message sent to Ana García');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(document.activeElement).toBe(before);
    // Still the same scan, untouched, and no review was sent.
    expect(screen.getByRole('link', { name: 'Ana García' })).toBeInTheDocument();
    expect(checked('Tracking')).toBeNull();
    expect(checked('Action')).toBeNull();
    expect(calls.some((c) => c.url.includes('/tags') && c.method === 'POST')).toBe(false);
  });

  it('the composer offers the scan\'s photos and sends the chosen one; Escape in the picker closes only the picker', async () => {
    const { calls } = api();
    const user = userEvent.setup();
    render(<ReviewQueue canTag />);
    await opened();

    await user.keyboard('m');
    const dialog = screen.getByRole('dialog', { name: 'Message Ana García' });
    // Escape closes the picker first, and only the picker.
    await user.click(within(dialog).getByRole('button', { name: 'Attach a photo' }));
    await user.keyboard('{Escape}');
    expect(within(dialog).queryByRole('dialog')).not.toBeInTheDocument();
    expect(screen.getByRole('dialog', { name: 'Message Ana García' })).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Attach a photo' }));
    const picker = within(dialog).getByRole('dialog', { name: 'Choose a photo to attach' });
    expect(within(picker).getAllByRole('button', { name: /^Attach / }).map((b) => b.getAttribute('aria-label'))).toEqual([
      'Attach Right side', 'Attach Front', 'Attach Left side', 'Attach Upper arch', 'Attach Lower arch',
    ]);
    await user.click(within(picker).getByRole('button', { name: 'Attach Front' }));
    expect(within(dialog).getByRole('img', { name: 'Attached: Front' })).toHaveAttribute('src', '/blob/1/frontal/t');
    expect(within(dialog).getByLabelText('Message')).toHaveFocus();
    await user.keyboard('See the gap here{Control>}{Enter}{/Control}');

    await waitFor(() => expect(calls.some((c) => c.url === '/api/v1/messages')).toBe(true));
    expect(calls.find((c) => c.url === '/api/v1/messages')!.body).toEqual({ patientId: 'p1', content: 'See the gap here', attachmentImageId: 's1-i0' });
  });

  it('Escape closes the composer and hands the focus back; review keys rest while it is open', async () => {
    const { calls } = api();
    const user = userEvent.setup();
    render(<ReviewQueue canTag />);
    await opened();
    await waitFor(() => expect(group('Tracking')).toContainElement(document.activeElement as HTMLElement));
    const before = document.activeElement;

    await user.keyboard('m');
    const dialog = screen.getByRole('dialog', { name: 'Message Ana García' });
    // On the dialog's buttons, N, Enter, digits and ? do nothing to the scan behind it.
    within(dialog).getByRole('button', { name: 'Close' }).focus();
    await user.keyboard('n1a?');
    expect(screen.getByRole('link', { name: 'Ana García' })).toBeInTheDocument();
    expect(screen.queryByRole('dialog', { name: 'Review shortcuts' })).not.toBeInTheDocument();
    for (let i = 0; i < 8; i++) await user.tab();
    expect(dialog).toContainElement(document.activeElement as HTMLElement);

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(document.activeElement).toBe(before);
    expect(checked('Tracking')).toBeNull();
    expect(checked('Action')).toBeNull();
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
    // The keys work again.
    await user.keyboard('n');
    await opened('Ben Okafor');
  });

  it('H asks for the days, which Enter submits from the field', async () => {
    const { calls } = api();
    const user = userEvent.setup();
    render(<ReviewQueue canTag />);
    await opened();

    await user.keyboard('221h');
    const days = screen.getByLabelText('Days to keep the current aligner');
    expect(days).toHaveFocus();
    await user.keyboard('5{Enter}');

    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')!.body).toMatchObject({ overallTracking: 2, alignerFit: 2, oralHygiene: 1, action: 'hold_aligner', holdDays: 5 });
  });

  it('Enter with a score missing says what is missing, focuses it and sends nothing', async () => {
    const { calls } = api();
    const user = userEvent.setup();
    render(<ReviewQueue canTag />);
    await opened();

    await user.keyboard('1a{Enter}');

    expect(group('Aligner fit')).toHaveAccessibleDescription('Choose 1 to 3, or 0 for not applicable.');
    expect(group('Aligner fit')).toContainElement(document.activeElement as HTMLElement);
    expect(calls.some((c) => c.method === 'POST')).toBe(false);
  });

  it('? toggles the shortcuts list and Escape closes it', async () => {
    api();
    const user = userEvent.setup();
    render(<ReviewQueue canTag />);
    await opened();

    await user.keyboard('?');
    const dialog = screen.getByRole('dialog', { name: 'Review shortcuts' });
    expect(within(dialog).getByText('Submit the review and open the next scan')).toBeInTheDocument();
    await user.keyboard('a');
    expect(checked('Action')).toBeNull();
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await user.keyboard('?');
    expect(screen.getByRole('dialog', { name: 'Review shortcuts' })).toBeInTheDocument();
    await user.keyboard('?');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});

describe('Shortcuts list', () => {
  it('names M for the composer and W for the review\'s message action', () => {
    expect(reviewShortcuts).toContainEqual(['M', 'Message the patient (opens the composer)']);
    expect(reviewShortcuts).toContainEqual(['W', 'Action: write the review message']);
    expect(reviewShortcuts.filter(([key]) => key === 'M')).toHaveLength(1);
  });

  it('closes on a press outside it, not on one inside it', async () => {
    api();
    const user = userEvent.setup();
    render(<ReviewQueue canTag />);
    await opened();

    await user.click(screen.getByRole('button', { name: /Shortcuts/ }));
    const dialog = screen.getByRole('dialog', { name: 'Review shortcuts' });
    await user.click(within(dialog).getByText('Submit the review and open the next scan'));
    expect(screen.getByRole('dialog', { name: 'Review shortcuts' })).toBeInTheDocument();
    await user.click(dialog.parentElement!);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });
});

describe('Photo viewer keys', () => {
  it('F opens the viewer; +, 0, arrows and C act in it and not on the scan; Tab stays inside; Escape closes', async () => {
    const withPrevious = { ...session(1), previous: { id: 's0', alignerNumber: 3, submittedAt: '2026-11-18T08:00:00Z', images: [{ imageType: 'frontal' as const, urls: session(0).images[0].urls }] } };
    api({ sessions: { s1: withPrevious, s2: session(2) } });
    const user = userEvent.setup();
    render(<ReviewQueue canTag />);
    await opened();

    await user.keyboard('f');
    const viewer = screen.getByRole('dialog', { name: 'Photo viewer: Right side' });
    const zoom = within(viewer).getByTestId('zoom-level');
    await user.keyboard('++');
    expect(zoom).toHaveTextContent('156%');
    expect(within(viewer).getByTestId('viewer-current').style.transform).toContain('scale(1.5625)');
    await user.keyboard('0');
    expect(zoom).toHaveTextContent('100%');
    await user.keyboard('c');
    expect(within(viewer).getByTestId('viewer-previous-missing')).toHaveTextContent('No earlier scan of this view');
    await user.keyboard('{ArrowRight}');
    expect(screen.getByRole('dialog', { name: 'Photo viewer: Front' })).toBeInTheDocument();
    expect(within(viewer).getByRole('img', { name: 'Front, previous scan (aligner 3)' })).toBeInTheDocument();
    // Review keys do nothing to the scan behind the viewer.
    await user.keyboard('1a');
    for (let i = 0; i < 12; i++) await user.tab();
    expect(viewer).toContainElement(document.activeElement as HTMLElement);

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(checked('Tracking')).toBeNull();
    expect(checked('Action')).toBeNull();
  });
});

describe('ReviewQueue data', () => {
  it('prefetches the next scan while this one is on screen, and not with prefetch off', async () => {
    const { calls } = api();
    const { unmount } = render(<ReviewQueue canTag />);
    await opened();
    await waitFor(() => expect(calls.map((c) => c.url)).toContain('/api/v1/scans/sessions/s2'));
    unmount();

    const off = api();
    const user = userEvent.setup();
    render(<ReviewQueue canTag prefetch={false} />);
    await opened();
    await new Promise((r) => setTimeout(r, 50));
    expect(off.calls.map((c) => c.url)).not.toContain('/api/v1/scans/sessions/s2');
    await user.keyboard('n');
    await opened('Ben Okafor');
    expect(off.calls.map((c) => c.url)).toContain('/api/v1/scans/sessions/s2');
  });

  it('shows quality warnings on the photos', async () => {
    api();
    render(<ReviewQueue canTag />);
    await opened();
    const front = await screen.findByRole('button', { name: 'Front: open full screen' });
    expect(front).toHaveTextContent('Blurry');
    expect(screen.getByRole('button', { name: 'Left side: open full screen' })).not.toHaveTextContent('Blurry');
  });

  it('a scan someone already tagged (409) is skipped quietly', async () => {
    api({ tag: () => problem(409, { title: 'You already tagged this scan.' }) });
    const user = userEvent.setup();
    render(<ReviewQueue canTag />);
    await opened();
    await user.keyboard('111a{Enter}');
    await opened('Ben Okafor');
    expect(await screen.findByRole('status')).toHaveTextContent('Ana García: You already tagged this scan.');
  });

  it('a refused review can be reopened with the choices kept and the field errors shown', async () => {
    api({ tag: () => problem(422, { title: 'The tags do not match the taxonomy.', errors: { taxonomyVersion: ['Tag with taxonomy 2026.2; reload the review screen.'] } }) });
    const user = userEvent.setup();
    render(<ReviewQueue canTag />);
    await opened();
    await user.keyboard('123s{Enter}');
    await opened('Ben Okafor');

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Could not tag Ana García: The tags do not match the taxonomy.');
    await user.click(within(alert).getByRole('button', { name: 'Reopen' }));
    await opened('Ana García');
    expect(checked('Tracking')).toContain('On track');
    expect(checked('Hygiene')).toContain('Poor');
    expect(checked('Action')).toContain('Schedule appointment');
    expect(screen.getByRole('alert')).toHaveTextContent('The tags do not match the taxonomy.');
  });

  it('an empty queue says what to do next', async () => {
    api({ feed: [], overdue: 3 });
    render(<ReviewQueue canTag />);
    expect(await screen.findByRole('heading', { name: 'No scans waiting' })).toBeInTheDocument();
    expect(await screen.findByText(/Compliance shows 3 patients overdue for a scan/)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Open compliance' })).toHaveAttribute('href', expect.stringMatching(/^\/compliance\/?$/));
  });

  it('a failing feed shows the problem title and retries', async () => {
    let fail = true;
    mockFetch((call) => {
      if (call.url.startsWith('/api/v1/dashboard/feed') && fail) return problem(503, { title: 'The review queue is unavailable.' });
      if (call.url.startsWith('/api/v1/dashboard/feed')) return json(200, { items: [], nextCursor: null });
      if (call.url.startsWith('/api/v1/tags/taxonomy')) return json(200, taxonomy);
      return json(200, { items: [], truncated: false });
    });
    const user = userEvent.setup();
    render(<ReviewQueue canTag />);
    expect(await screen.findByRole('heading', { name: 'The review queue is unavailable.' })).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('heading', { name: 'No scans waiting' })).toBeInTheDocument();
  });
});
