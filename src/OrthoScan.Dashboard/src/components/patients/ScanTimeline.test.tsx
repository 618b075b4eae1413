import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ScanImage, SessionOutcome, TimelineItem } from '@/api/types';
import { actionLabel, outcomeScores } from '@/lib/outcome';
import { json, mockFetch } from '@/test/http';
import { otherTaxonomy, servingTaxonomy, taxonomy } from '@/test/taxonomy';
import { ScanTimeline } from './ScanTimeline';

afterEach(() => vi.unstubAllGlobals());

const urls = { thumbnail: '/blobs/t.jpg', display: '/blobs/d.jpg', full: '/blobs/f.jpg', expiresAt: '2026-11-22T10:10:00Z' };
function image(imageType: ScanImage['imageType'], over: Partial<ScanImage> = {}): ScanImage {
  return {
    id: `img-${imageType}`, imageType, status: 'processed', qualityScore: 90, qualityIssues: [], retakeReasons: [], width: 1600, height: 1200,
    capturedAt: null, urls, ...over,
  };
}
const outcome = (over: Partial<SessionOutcome> = {}): SessionOutcome => ({
  overallTracking: 1, alignerFit: 2, oralHygiene: 3, action: 'approve_progression', holdDays: null, stageAfter: null,
  reviewedAt: '2026-11-20T10:00:00Z', reviewerName: 'Dr. Ruiz', detailTags: ['plaque', 'attachment_lost'], ...over,
});
function session(id: string, alignerNumber: number, over: Partial<TimelineItem> = {}): TimelineItem {
  return {
    id, patientId: 'p1', alignerNumber, status: 'reviewed', createdAt: '2026-11-20T08:00:00Z', submittedAt: '2026-11-20T08:05:00Z',
    processedAt: '2026-11-20T08:06:00Z', patientFeedback: null, images: [], outcome: null, ...over,
  };
}

describe('outcome labels', () => {
  it('names the action as the timeline shows it', () => {
    expect(actionLabel({ action: 'approve_progression', holdDays: null }, 12, 20)).toBe('Approved → aligner 13');
    expect(actionLabel({ action: 'approve_progression', holdDays: null }, 20, 20)).toBe('Approved · last aligner');
    // The stage the review moved the patient to wins over the scan's own aligner number.
    expect(actionLabel({ action: 'approve_progression', holdDays: null, stageAfter: 8 }, 5, 20)).toBe('Approved → aligner 8');
    expect(actionLabel({ action: 'approve_progression', holdDays: null, stageAfter: 20 }, 20, 20)).toBe('Approved · last aligner');
    expect(actionLabel({ action: 'hold_aligner', holdDays: 3 }, 12)).toBe('Hold 3 days');
    expect(actionLabel({ action: 'hold_aligner', holdDays: 1 }, 12)).toBe('Hold 1 day');
    expect(actionLabel({ action: 'message', holdDays: null }, 12)).toBe('Message to patient');
    expect(actionLabel({ action: 'schedule_appointment', holdDays: null }, 12)).toBe('Appointment requested');
  });

  it('labels each score in the taxonomy\'s words, and fit as not applicable when it does not apply', () => {
    expect(outcomeScores(outcome(), taxonomy).map((s) => [s.label, s.tone])).toEqual([
      ['Tracking 1 · On track', 'good'],
      ['Aligner fit 2 · Small gaps', 'fair'],
      ['Hygiene 3 · Poor', 'poor'],
    ]);
    expect(outcomeScores(outcome({ alignerFit: null }), taxonomy)[1]).toMatchObject({ label: 'Aligner fit · Not applicable', tone: 'none' });
    // Another taxonomy, other words and tones: 3 of 5 is fair, not poor.
    expect(outcomeScores(outcome(), otherTaxonomy).map((s) => [s.label, s.tone])).toEqual([
      ['Progress 1 · Tracking well', 'good'],
      ['Seating 2 · Gaps', 'fair'],
      ['Plaque control 3 · Fair', 'fair'],
    ]);
  });
});

describe('ScanTimeline', () => {
  it('shows each scan with its photos, quality warnings and outcome, newest first', async () => {
    mockFetch(servingTaxonomy(() =>
      json(200, {
        items: [
          session('s2', 13, { status: 'ready', images: [image('frontal'), image('buccal_l', { qualityScore: 40, qualityIssues: ['blurry'] })] }),
          session('s1', 12, {
            outcome: outcome(),
            patientFeedback: 'Great tracking! Move to aligner 13.',
            images: [image('frontal'), image('occlusal_u', { status: 'rejected', urls: null, qualityScore: null })],
          }),
          session('s0', 11, { outcome: outcome({ action: 'hold_aligner', holdDays: 3, detailTags: [], alignerFit: null }) }),
        ],
        nextCursor: null,
      }),
    ));
    render(<ScanTimeline patientId="p1" firstName="Ana" totalStages={20} />);

    const entries = await screen.findAllByTestId('timeline-entry');
    expect(entries.map((e) => within(e).getByText(/^Aligner \d+$/).textContent)).toEqual(['Aligner 13', 'Aligner 12', 'Aligner 11']);

    const [waiting, approved, held] = entries;
    expect(waiting).toHaveTextContent('Ready for review');
    expect(waiting).toHaveTextContent('Waiting in the review queue.');
    expect(within(waiting).queryByTestId('timeline-outcome')).toBeNull();
    expect(within(waiting).getByRole('img', { name: 'Left side, aligner 13, quality 40 of 100, blurry' })).toHaveAttribute('src', '/blobs/t.jpg');
    expect(waiting).toHaveTextContent('Photo quality: lowest 40/100 · 1 photo with a warning');

    const result = within(approved).getByTestId('timeline-outcome');
    expect(result).toHaveTextContent('Tracking 1 · On track');
    expect(result).toHaveTextContent('Aligner fit 2 · Small gaps');
    expect(result).toHaveTextContent('Hygiene 3 · Poor');
    expect(result).toHaveTextContent('Approved → aligner 13');
    expect(result).toHaveTextContent('Dr. Ruiz');
    expect(result).toHaveTextContent('Findings: Plaque, Attachment lost');
    expect(result).toHaveTextContent('Patient was told: Great tracking! Move to aligner 13.');
    expect(within(approved).getByText('Not usable')).toBeInTheDocument();

    expect(within(held).getByTestId('timeline-outcome')).toHaveTextContent('Hold 3 days');
    expect(within(held).getByTestId('timeline-outcome')).toHaveTextContent('Aligner fit · Not applicable');
    expect(within(held).queryByText(/Findings/)).toBeNull();
  });

  it('loads older scans page by page', async () => {
    const { calls } = mockFetch(servingTaxonomy((call) =>
      call.url.includes('cursor=c1')
        ? json(200, { items: [session('old', 2)], nextCursor: null })
        : json(200, { items: [session('new', 3)], nextCursor: 'c1' }),
    ));
    const user = userEvent.setup();
    render(<ScanTimeline patientId="p1" firstName="Ana" />);

    await user.click(await screen.findByRole('button', { name: 'Load older scans' }));
    await waitFor(() => expect(screen.getAllByTestId('timeline-entry')).toHaveLength(2));
    expect(calls.map((c) => c.url).filter((u) => u.includes('/sessions'))).toEqual(['/api/v1/patients/p1/sessions?limit=20', '/api/v1/patients/p1/sessions?cursor=c1&limit=20']);
    expect(screen.queryByRole('button', { name: 'Load older scans' })).toBeNull();
  });

  it('says what will appear when there are no scans yet', async () => {
    mockFetch(servingTaxonomy(() => json(200, { items: [], nextCursor: null })));
    render(<ScanTimeline patientId="p1" firstName="Ana" />);
    expect(await screen.findByText('No scans yet')).toBeInTheDocument();
    expect(screen.getByText(/as Ana sends them from the app/)).toBeInTheDocument();
  });
});
