import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DashboardAnalytics, TagAnalytics } from '@/api/types';
import type { WeekChoice } from '@/lib/analytics';
import { json, mockFetch, problem } from '@/test/http';
import { otherTaxonomy, taxonomy } from '@/test/taxonomy';
import { AnalyticsDashboard, WeeksPicker } from './AnalyticsDashboard';

afterEach(() => vi.unstubAllGlobals());

const analytics: DashboardAnalytics = {
  from: '2026-11-02',
  to: '2026-11-22',
  weeks: [
    { weekStart: '2026-11-02', received: 40, reviewed: 38 },
    { weekStart: '2026-11-09', received: 12, reviewed: 10 },
    { weekStart: '2026-11-16', received: 0, reviewed: 0 },
  ],
  medianMinutesToReview: 312.5,
  medianReviewSeconds: 21,
  taggingRate: 0.9,
  scores: [
    { attribute: 'overall_tracking', values: [{ value: '1', count: 25 }, { value: '2', count: 10 }, { value: '3', count: 3 }] },
    { attribute: 'aligner_fit', values: [{ value: '1', count: 30 }, { value: '2', count: 4 }, { value: '3', count: 2 }, { value: 'not_applicable', count: 2 }] },
    { attribute: 'oral_hygiene', values: [{ value: '1', count: 20 }, { value: '2', count: 18 }, { value: '3', count: 0 }] },
  ],
  aiAcceptance: [{ attribute: 'overall_tracking', suggested: 30, accepted: 27, rate: 0.9 }],
  generatedAt: '2026-11-22T10:00:00Z',
};

const tags: TagAnalytics = {
  from: '2026-11-02',
  to: '2026-11-22',
  tagSets: 48,
  detailTags: [{ code: 'plaque', count: 12 }, { code: 'attachment_lost', count: 6 }],
  actions: [{ action: 'approve_progression', count: 40 }, { action: 'hold_aligner', count: 8 }],
  agreement: [
    { attribute: 'overall_tracking', pairs: 14, observedAgreement: 0.857, kappa: 0.71 },
    { attribute: 'aligner_fit', pairs: 14, observedAgreement: 1, kappa: null },
    { attribute: 'oral_hygiene', pairs: 1, observedAgreement: 1, kappa: null },
  ],
  generatedAt: '2026-11-22T10:00:00Z',
};

function routes(served = taxonomy) {
  return mockFetch((call) => {
    if (call.url.startsWith('/api/v1/tags/taxonomy')) return json(200, served);
    if (call.url.startsWith('/api/v1/dashboard/analytics')) return json(200, analytics);
    if (call.url.startsWith('/api/v1/tags/analytics')) return json(200, tags);
    return problem(404, { title: 'Not found.', type: 'https://orthoscan.app/problems/not-found' });
  });
}

const rows = (testId: string) =>
  within(screen.getByTestId(testId)).getAllByRole('row').slice(1).map((r) => Array.from(r.querySelectorAll('th, td'), (c) => c.textContent));

describe('Analytics', () => {
  it('shows the key figures, weekly numbers and score distributions beside their charts', async () => {
    routes();
    render(<AnalyticsDashboard weeks={12} showTags={false} />);

    expect(await screen.findByTestId('figure-received')).toHaveTextContent('52');
    expect(screen.getByTestId('figure-reviewed')).toHaveTextContent('48');
    expect(screen.getByTestId('figure-tagging-rate')).toHaveTextContent('90%');
    expect(screen.getByTestId('figure-time-to-review')).toHaveTextContent('5 h 13 min');
    expect(screen.getByTestId('figure-review-duration')).toHaveTextContent('21 s');

    expect(rows('numbers-weekly')).toEqual([['Nov 16', '0', '0'], ['Nov 9', '12', '10'], ['Nov 2', '40', '38']]);
    expect(rows('numbers-score-overall_tracking')).toEqual([['1 On track', '25', '66%'], ['2 Minor deviation', '10', '26%'], ['3 Off track', '3', '8%']]);
    expect(rows('numbers-score-aligner_fit').at(-1)).toEqual(['Not applicable', '2', '5%']);
    expect(rows('numbers-ai')).toEqual([['Tracking', '30', '27', '90%']]);

    // The charts draw (Recharts, at their initial size in jsdom).
    for (const id of ['chart-weekly', 'chart-score-overall_tracking', 'chart-ai']) {
      expect(screen.getByTestId(id).querySelector('svg.recharts-surface')).not.toBeNull();
    }
    expect(screen.getByTestId('chart-weekly').querySelectorAll('.recharts-bar-rectangle path').length).toBeGreaterThanOrEqual(4);
  });

  it('never asks staff for tag analytics', async () => {
    const { calls } = routes();
    render(<AnalyticsDashboard weeks={12} showTags={false} />);
    await screen.findByTestId('figure-received');
    expect(calls.map((c) => c.url).sort()).toEqual(['/api/v1/dashboard/analytics?weeks=12', '/api/v1/tags/taxonomy']);
    expect(screen.getByText(/shown to doctors and the practice owner/)).toBeInTheDocument();
  });

  it('shows doctors the findings, actions and kappa per attribute', async () => {
    routes();
    render(<AnalyticsDashboard weeks={12} showTags />);

    await waitFor(() => expect(screen.getByTestId('numbers-agreement')).toBeInTheDocument());
    expect(screen.getByTestId('tag-sets')).toHaveTextContent('48 reviews');
    expect(rows('numbers-detail-tags')).toEqual([['Plaque', '12', '25%'], ['Attachment lost', '6', '13%']]);
    expect(rows('numbers-actions')).toEqual([['Approve next aligner', '40', '83%'], ['Hold aligner', '8', '17%']]);
    expect(rows('numbers-agreement')).toEqual([
      ['Tracking', '14', '86%', '0.71 substantial'],
      ['Aligner fit', '14', '100%', '— not enough pairs'],
      ['Hygiene', '1', '100%', '— not enough pairs'],
    ]);
    expect(screen.getByTestId('chart-detail-tags').querySelector('svg.recharts-surface')).not.toBeNull();
  });

  it('shows 0s, not blanks, for a new practice', async () => {
    mockFetch((call) =>
      call.url.startsWith('/api/v1/tags/taxonomy') ? json(200, taxonomy) : call.url.startsWith('/api/v1/dashboard/analytics')
        ? json(200, {
            ...analytics,
            weeks: analytics.weeks.map((w) => ({ ...w, received: 0, reviewed: 0 })),
            medianMinutesToReview: null, medianReviewSeconds: null, taggingRate: null, aiAcceptance: [],
            scores: taxonomy.scores.map((s) => ({ attribute: s.attribute, values: s.values.map(({ value }) => ({ value, count: 0 })) })),
          })
        : json(200, { ...tags, tagSets: 0, detailTags: [], actions: [], agreement: tags.agreement.map((a) => ({ ...a, pairs: 0, observedAgreement: null, kappa: null })) }),
    );
    render(<AnalyticsDashboard weeks={4} showTags />);

    expect(await screen.findByTestId('figure-received')).toHaveTextContent('0');
    expect(screen.getByTestId('figure-reviewed')).toHaveTextContent('0');
    expect(screen.getByTestId('figure-tagging-rate')).toHaveTextContent('—');
    expect(rows('numbers-score-oral_hygiene')).toEqual([['1 Good', '0', '0%'], ['2 Fair', '0', '0%'], ['3 Poor', '0', '0%']]);
    expect(screen.getByTestId('ai-empty')).toHaveTextContent('0 suggested, 0 accepted');
    await waitFor(() => expect(screen.getByTestId('tag-sets')).toHaveTextContent('0 reviews'));
    expect(rows('numbers-agreement')[0]).toEqual(['Tracking', '0', '—', '— not enough pairs']);
  });

  it('reloads for another period, and shows the problem with a retry when analytics fail', async () => {
    let fail = false;
    const { calls } = mockFetch((call) => call.url.startsWith('/api/v1/tags/taxonomy') ? json(200, taxonomy)
      : fail ? problem(500, { title: 'Something went wrong on our side.', type: 'about:blank' }) : json(200, analytics));
    function Harness() {
      const [weeks, setWeeks] = useState<WeekChoice>(12);
      return <><WeeksPicker value={weeks} onChange={setWeeks} /><AnalyticsDashboard weeks={weeks} showTags={false} /></>;
    }
    const user = userEvent.setup();
    render(<Harness />);
    await screen.findByTestId('figure-received');

    fail = true;
    await user.click(screen.getByLabelText('26 weeks'));
    expect(await screen.findByRole('heading', { name: 'Something went wrong on our side.' })).toBeInTheDocument();
    expect(calls.at(-1)?.url).toBe('/api/v1/dashboard/analytics?weeks=26');
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('figure-received')).toHaveTextContent('52');
    expect(screen.getByLabelText('26 weeks')).toBeChecked();
  });

  it('labels scores, findings, actions and attributes in the words of the served taxonomy', async () => {
    routes(otherTaxonomy);
    render(<AnalyticsDashboard weeks={12} showTags />);

    expect(await screen.findByRole('heading', { name: 'Progress' })).toBeInTheDocument();
    expect(rows('numbers-score-overall_tracking').map((r) => r[0])).toEqual(['1 Tracking well', '2 Lagging', '3 Not tracking']);
    expect(rows('numbers-score-aligner_fit').at(-1)?.[0]).toBe('No aligner in');
    expect(rows('numbers-ai')).toEqual([['Progress', '30', '27', '90%']]);
    await waitFor(() => expect(screen.getByTestId('numbers-agreement')).toBeInTheDocument());
    expect(rows('numbers-detail-tags').map((r) => r[0])).toEqual(['Plaque build-up', 'Attachment lost']);
    expect(rows('numbers-actions').map((r) => r[0])).toEqual(['Next aligner', 'Keep aligner']);
    expect(rows('numbers-agreement').map((r) => r[0])).toEqual(['Progress', 'Seating', 'Plaque control']);
  });

  it('waits for the taxonomy, and shows its problem with a retry when it cannot be loaded', async () => {
    let fail = true;
    mockFetch((call) => call.url.startsWith('/api/v1/tags/taxonomy')
      ? (fail ? problem(503, { title: 'OrthoScan is busy. Try again in a moment.', type: 'about:blank' }) : json(200, taxonomy))
      : json(200, analytics));
    const user = userEvent.setup();
    render(<AnalyticsDashboard weeks={12} showTags={false} />);

    expect(screen.getByLabelText('Loading analytics')).toBeInTheDocument();
    expect(await screen.findByRole('heading', { name: 'OrthoScan is busy. Try again in a moment.' })).toBeInTheDocument();
    expect(screen.queryByTestId('numbers-score-overall_tracking')).toBeNull();
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByTestId('numbers-score-overall_tracking')).toBeInTheDocument();
  });
});
