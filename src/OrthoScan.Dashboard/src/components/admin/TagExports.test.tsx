import { act, render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TagExport } from '@/api/exports';
import { json, mockFetch, problem } from '@/test/http';
import { POLL_MS, TagExports } from './TagExports';

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

function exportOf(over: Partial<TagExport> = {}): TagExport {
  return {
    id: 'e1', status: 'completed', includeImages: true, includeFrontal: false, seed: 42, k: 5,
    progress: { tagSetsWritten: 120, tagSetsTotal: 124, imagesWritten: 300, percent: 100 },
    report: {
      k: 5, patients: 30, sessions: 60, tagSets: 120, images: 300, generalisedPatients: 5, suppressedPatients: 1, suppressedTagSets: 4,
      frontalIncluded: false, patientsPerSplit: { train: 24, validation: 3, test: 3 },
    },
    downloadUrl: '/api/v1/tags/export/download/old', downloadExpiresAt: '2026-12-07T10:05:00Z', sizeBytes: 3_145_728,
    createdAt: '2026-12-07T09:40:00Z', startedAt: '2026-12-07T09:40:01Z', completedAt: '2026-12-07T09:58:00Z', error: null,
    ...over,
  };
}

describe('training-data exports page', () => {
  it('starts an export with the chosen options and an Idempotency-Key, warning when frontal views (faces) are included', async () => {
    const { calls } = mockFetch((call) =>
      call.method === 'POST' ? json(201, exportOf({ id: 'e2', status: 'queued', report: null, downloadUrl: null })) : json(200, { items: [], nextCursor: null }));
    const user = userEvent.setup();
    render(<TagExports />);
    expect(await screen.findByText('No exports yet')).toBeInTheDocument();

    expect(screen.queryByText(/show patients' faces/)).not.toBeInTheDocument();
    await user.click(screen.getByLabelText('Include frontal views'));
    expect(screen.getByText(/show patients' faces/)).toBeInTheDocument();
    await user.type(screen.getByLabelText(/Seed/), '7');
    await user.clear(screen.getByLabelText(/k \(k-anonymity\)/));
    await user.type(screen.getByLabelText(/k \(k-anonymity\)/), '10');
    await user.click(screen.getByRole('button', { name: 'Start export' }));

    await waitFor(() => expect(calls.filter((c) => c.method === 'POST')).toHaveLength(1));
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.url).toBe('/api/v1/tags/export');
    expect(post.body).toEqual({ includeImages: true, includeFrontal: true, k: 10, seed: 7 });
    expect(post.headers['Idempotency-Key']).toMatch(/.+/);
    await waitFor(() => expect(calls.filter((c) => c.method === 'GET')).toHaveLength(2), { timeout: 2000 });
  });

  it('shows the field the API refused', async () => {
    mockFetch((call) =>
      call.method === 'POST'
        ? problem(400, { title: 'The request is not valid.', errors: { k: ["'k' must be between 5 and 50."] } })
        : json(200, { items: [], nextCursor: null }));
    const user = userEvent.setup();
    render(<TagExports />);
    await screen.findByText('No exports yet');
    await user.click(screen.getByRole('button', { name: 'Start export' }));
    expect(await screen.findByText("'k' must be between 5 and 50.")).toBeInTheDocument();
  });

  it('polls a running export until it completes, then offers a fresh download link and the de-identification report', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    let polls = 0;
    const { calls } = mockFetch((call) => {
      if (call.url === '/api/v1/tags/export?limit=20') {
        return json(200, { items: [exportOf({ status: 'running', report: null, downloadUrl: null, progress: { tagSetsWritten: 31, tagSetsTotal: 124, imagesWritten: 70, percent: 25 } })], nextCursor: null });
      }
      polls++;
      return json(200, polls < 2
        ? exportOf({ status: 'running', report: null, downloadUrl: null, progress: { tagSetsWritten: 93, tagSetsTotal: 124, imagesWritten: 220, percent: 75 } })
        : exportOf({ downloadUrl: '/api/v1/tags/export/download/fresh' }));
    });
    const assign = vi.fn();
    vi.stubGlobal('location', { ...window.location, assign });
    render(<TagExports />);

    const bar = await screen.findByRole('progressbar', { name: 'Export progress' });
    expect(bar).toHaveAttribute('aria-valuenow', '25');
    await act(() => vi.advanceTimersByTimeAsync(POLL_MS));
    await waitFor(() => expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '75'));
    await act(() => vi.advanceTimersByTimeAsync(POLL_MS));
    const row = await screen.findByTestId('export-row');
    await waitFor(() => expect(within(row).getByText('completed')).toBeInTheDocument());
    expect(screen.queryByRole('progressbar')).not.toBeInTheDocument();
    expect(screen.getByTestId('export-report')).toHaveTextContent(/Generalised patients\s*5.*Suppressed patients\s*1.*Suppressed tag sets\s*4/);
    expect(screen.getByTestId('export-report')).toHaveTextContent('24 / 3 / 3');

    const pollsBefore = calls.length;
    await act(() => vi.advanceTimersByTimeAsync(POLL_MS * 3));
    expect(calls.length).toBe(pollsBefore);

    vi.useRealTimers();
    await userEvent.setup().click(within(row).getByRole('button', { name: /Download ZIP \(3\.0 MB\)/ }));
    await waitFor(() => expect(assign).toHaveBeenCalledWith('/api/v1/tags/export/download/fresh'));
  });

  it('says why an export failed', async () => {
    mockFetch(() => json(200, { items: [exportOf({ status: 'failed', report: null, downloadUrl: null, error: 'The export stopped while it ran.' })], nextCursor: null }));
    render(<TagExports />);
    expect(await screen.findByText('The export failed.')).toBeInTheDocument();
    expect(screen.getByText('The export stopped while it ran.')).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Download/ })).not.toBeInTheDocument();
  });
});
