import { render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AiAcceptance, AiModel } from '@/api/types';
import { json, mockFetch, problem } from '@/test/http';
import { ModelPage } from './ModelPage';

afterEach(() => vi.unstubAllGlobals());

const notice = 'Suggestions are non-diagnostic aids; a doctor confirms every tag.';

const model: AiModel = {
  suggester: 'mlnet',
  notice,
  card: {
    name: 'orthoscan-mlnet',
    version: '2026.12.07-050000',
    trainedAt: '2026-12-07T05:00:00Z',
    taxonomyVersion: '2026.1',
    trainingTagSets: 120,
    evaluation: [
      { attribute: 'overall_tracking', testRows: 15, accuracy: 0.8, macroF1: 0.74, baselineAccuracy: 0.6, baselineMacroF1: 0.25,
        labels: ['1', '2', '3'], confusion: [[8, 1, 0], [1, 3, 0], [0, 1, 1]] },
    ],
  },
};

const acceptance: AiAcceptance = {
  weeks: 12,
  from: '2026-09-14',
  to: '2026-12-06',
  byAttribute: [
    { attribute: 'overall_tracking', suggested: 3, accepted: 2, rate: 2 / 3 },
    { attribute: 'aligner_fit', suggested: 2, accepted: 2, rate: 1 },
    { attribute: 'oral_hygiene', suggested: 1, accepted: 0, rate: 0 },
    { attribute: 'detail_tags', suggested: 0, accepted: 0, rate: null },
  ],
  byModel: [{ model: 'orthoscan-mlnet@2026.12.07-050000', attribute: 'overall_tracking', suggested: 3, accepted: 2, rate: 2 / 3 }],
  byDoctor: [{ doctorId: '0193a6f2-7c1e-7b3a-9f00-2b9c7e1d4a10', doctorName: 'Dr. Samuel Okafor', suggested: 6, accepted: 4, rate: 4 / 6 }],
  confusion: [
    { attribute: 'overall_tracking', values: ['1', '2', '3'], counts: [[0, 1, 0], [0, 1, 0], [0, 0, 1]] },
    { attribute: 'aligner_fit', values: ['1', '2', '3', 'not_applicable'], counts: [[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1]] },
  ],
  generatedAt: '2026-12-07T09:30:00Z',
};

function routes(served: AiModel = model) {
  return mockFetch((call) => {
    if (call.url.startsWith('/api/v1/ai/model')) return json(200, served);
    if (call.url.startsWith('/api/v1/dashboard/ai-acceptance')) return json(200, acceptance);
    return problem(404, { title: 'Not found.', type: 'https://orthoscan.app/problems/not-found' });
  });
}

const rows = (testId: string) =>
  within(screen.getByTestId(testId)).getAllByRole('row').slice(1).map((r) => Array.from(r.querySelectorAll('th, td'), (c) => c.textContent));

describe('AI model page', () => {
  it('shows the notice, the version, the evaluation beside the baseline and its confusion matrix', async () => {
    routes();
    render(<ModelPage weeks={12} showAcceptance={false} />);

    expect(await screen.findByText(notice)).toBeInTheDocument();
    expect(screen.getByTestId('model-version')).toHaveTextContent('orthoscan-mlnet 2026.12.07-050000');
    expect(screen.getByTestId('model-suggester')).toHaveTextContent('ML.NET');
    expect(rows('model-evaluation')).toEqual([['Tracking', '15', '0.80', '0.74', '0.60', '0.25']]);
    expect(rows('model-confusion-overall_tracking')).toEqual([['1', '8', '1', '0'], ['2', '1', '3', '0'], ['3', '0', '1', '1']]);
  });

  it("shows the practice's acceptance per attribute, doctor and model, and the suggested-vs-final confusion", async () => {
    const { calls } = routes();
    render(<ModelPage weeks={26} showAcceptance />);

    expect(await screen.findByTestId('acceptance-attribute')).toBeInTheDocument();
    expect(calls.some((c) => c.url.includes('/api/v1/dashboard/ai-acceptance') && c.url.includes('weeks=26'))).toBe(true);
    expect(rows('acceptance-attribute').map((r) => [r[0], r[3]])).toEqual([['Tracking', '67%'], ['Aligner fit', '100%'], ['Hygiene', '0%'], ['Detail tags', '—']]);
    expect(rows('acceptance-doctor')).toEqual([['Dr. Samuel Okafor', '6', '4', '67%']]);
    expect(rows('acceptance-model')[0].slice(0, 2)).toEqual(['orthoscan-mlnet@2026.12.07-050000', 'Tracking']);
    expect(rows('acceptance-confusion-aligner_fit')[3]).toEqual(['N/A', '0', '0', '0', '1']);
  });

  it('does not ask for acceptance where the role may not read it, and says when no model is loaded', async () => {
    const { calls } = routes({ suggester: 'none', notice, card: null });
    render(<ModelPage weeks={12} showAcceptance={false} />);

    expect(await screen.findByTestId('model-none')).toBeInTheDocument();
    expect(screen.getByTestId('model-suggester')).toHaveTextContent('None');
    expect(screen.queryByTestId('model-evaluation')).not.toBeInTheDocument();
    expect(calls.some((c) => c.url.includes('ai-acceptance'))).toBe(false);
  });
});
