import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DeadJob } from '@/api/types';
import { json, mockFetch, problem } from '@/test/http';
import { FailedJobs } from './FailedJobs';

afterEach(() => vi.unstubAllGlobals());

function job(id: string, over: Partial<DeadJob> = {}): DeadJob {
  return {
    id, kind: 'scans.process-session', subject: { type: 'scan_session', id: `${id}-session-0000` }, attempts: 5, reason: 'abandoned',
    error: 'Its worker stopped during the last attempt (killed or out of memory), so it was not run again.', deadSince: '2026-11-20T08:00:00Z', ...over,
  };
}

const rows = () => screen.getAllByTestId('dead-job');

describe('FailedJobs', () => {
  it('lists the dead jobs with what, why and attempts, and retrying one queues it again', async () => {
    const { calls } = mockFetch((call) => {
      if (call.method === 'POST') return json(200, { id: 'job-1', status: 'queued', subjectReopened: true });
      return json(200, { items: [job('job-1'), job('job-2', { kind: 'other.kind', subject: null, reason: 'failed', attempts: 3, error: 'It failed on every attempt; the last error was TimeoutException.' })], nextCursor: null });
    });
    const user = userEvent.setup();
    render(<FailedJobs />);

    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(calls[0].url).toBe('/api/v1/admin/jobs/dead?limit=20');
    expect(within(rows()[0]).getByText('Scan processing · Scan job-1-se')).toBeInTheDocument();
    expect(within(rows()[0]).getByText(/worker stopped/)).toBeInTheDocument();
    expect(within(rows()[1]).getByText('other.kind')).toBeInTheDocument();
    expect(within(rows()[1]).getByText('3')).toBeInTheDocument();

    await user.click(within(rows()[0]).getByRole('button', { name: 'Retry Scan processing · Scan job-1-se' }));

    expect(await within(rows()[0]).findByRole('status')).toHaveTextContent('Queued again: the scan is processing again.');
    expect(calls.at(-1)).toMatchObject({ url: '/api/v1/admin/jobs/job-1/retry', method: 'POST' });
    expect(within(rows()[1]).getByRole('button', { name: /Retry/ })).toBeEnabled();
  });

  it('shows the problem title when a retry is refused, and says when the scan was left with the patient', async () => {
    mockFetch((call) => {
      if (call.url.includes('job-1')) return problem(409, { title: 'This job is not dead.', type: 'https://orthoscan.app/problems/job-not-dead' });
      if (call.method === 'POST') return json(200, { id: 'job-2', status: 'queued', subjectReopened: false });
      return json(200, { items: [job('job-1'), job('job-2')], nextCursor: null });
    });
    const user = userEvent.setup();
    render(<FailedJobs />);
    await waitFor(() => expect(rows()).toHaveLength(2));

    await user.click(within(rows()[0]).getByRole('button', { name: /Retry/ }));
    expect(await within(rows()[0]).findByRole('alert')).toHaveTextContent('This job is not dead.');
    await user.click(within(rows()[1]).getByRole('button', { name: /Retry/ }));
    expect(await within(rows()[1]).findByRole('status')).toHaveTextContent('already back with the patient');
  });

  it('says when nothing failed, and offers a retry when the list cannot be loaded', async () => {
    let fail = true;
    mockFetch(() => (fail ? problem(503, { title: 'The service is busy.' }) : json(200, { items: [], nextCursor: null })));
    const user = userEvent.setup();
    render(<FailedJobs />);

    expect(await screen.findByText('The service is busy.')).toBeInTheDocument();
    fail = false;
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText(/Nothing has failed/)).toBeInTheDocument();
  });
});
