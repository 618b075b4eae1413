import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ComplianceItem } from '@/api/types';
import { json, mockFetch, problem } from '@/test/http';
import { servingTaxonomy } from '@/test/taxonomy';
import CompliancePage from './page';

afterEach(() => vi.unstubAllGlobals());

function item(name: string, over: Partial<ComplianceItem>): ComplianceItem {
  return {
    patientId: `id-${name.replace(/\W/g, '')}`, patientName: name, scanFrequency: 'weekly', timezone: 'UTC', lastScanAt: null,
    dueOn: '2026-11-20', daysOverdue: 0, missedScans90d: 0, trackingTrend: [], status: 'active', ...over,
  };
}

const items = [
  item('Chloé Zola', { daysOverdue: 12, missedScans90d: 2, trackingTrend: [3, 2, 1] }),
  item('Ana García', { daysOverdue: 5, missedScans90d: 1, lastScanAt: '2026-11-01T09:00:00Z' }),
  item('Ben Adams', { daysOverdue: -2, missedScans90d: 4, lastScanAt: '2026-11-15T09:00:00Z' }),
  item('Dan Berg', { daysOverdue: 0, status: 'paused' }),
];

const rowNames = () => screen.getAllByTestId('compliance-row').map((r) => within(r).getByRole('link').textContent);

describe('Compliance page', () => {
  it('lists patients most overdue first, with figures, trend chips and links to the patient', async () => {
    mockFetch(servingTaxonomy(() => json(200, { items, truncated: false })));
    render(<CompliancePage />);

    await waitFor(() => expect(rowNames()).toEqual(['Chloé Zola', 'Ana García', 'Dan Berg', 'Ben Adams']));
    expect(screen.getByRole('link', { name: 'Chloé Zola' })).toHaveAttribute('href', expect.stringMatching(/^\/patients\/view\/?\?id=id-ChloZola$/));
    const chloe = screen.getAllByTestId('compliance-row')[0];
    expect(within(chloe).getByTestId('due-label')).toHaveTextContent('12 days overdue');
    // In the taxonomy's words once it is here.
    expect(await within(chloe).findByLabelText('Tracking, oldest to newest: 1 On track, 2 Minor deviation, 3 Off track')).toHaveTextContent('123');
    expect(within(screen.getAllByTestId('compliance-row')[2]).getByTestId('due-label')).toHaveTextContent('Paused');
    const figures = screen.getByLabelText('Summary');
    expect(figures).toHaveTextContent(/Overdue\s*2/);
    expect(screen.getByRole('columnheader', { name: /Days overdue/ })).toHaveAttribute('aria-sort', 'descending');
  });

  it('sorts by a column header and flips on the second click', async () => {
    mockFetch(servingTaxonomy(() => json(200, { items, truncated: false })));
    const user = userEvent.setup();
    render(<CompliancePage />);
    await waitFor(() => expect(rowNames()).toHaveLength(4));

    await user.click(screen.getByRole('button', { name: /Missed \(90 d\)/ }));
    expect(rowNames()).toEqual(['Ben Adams', 'Chloé Zola', 'Ana García', 'Dan Berg']);
    expect(screen.getByRole('columnheader', { name: /Missed/ })).toHaveAttribute('aria-sort', 'descending');

    await user.click(screen.getByRole('button', { name: /Patient/ }));
    expect(rowNames()).toEqual(['Ben Adams', 'Dan Berg', 'Ana García', 'Chloé Zola']);
    await user.click(screen.getByRole('button', { name: /Patient/ }));
    expect(rowNames()).toEqual(['Chloé Zola', 'Ana García', 'Dan Berg', 'Ben Adams']);
    expect(screen.getByRole('columnheader', { name: /Patient/ })).toHaveAttribute('aria-sort', 'descending');
  });

  it('filters by name and status on the page, and asks the API for overdue patients only', async () => {
    const { calls } = mockFetch(servingTaxonomy((call) =>
      json(200, { items: call.url.includes('overdueOnly=true') ? items.filter((i) => i.daysOverdue > 0) : items, truncated: false }),
    ));
    const user = userEvent.setup();
    render(<CompliancePage />);
    await waitFor(() => expect(rowNames()).toHaveLength(4));

    await user.type(screen.getByLabelText('Search by name'), 'garcia');
    expect(rowNames()).toEqual(['Ana García']);
    await user.clear(screen.getByLabelText('Search by name'));
    await user.selectOptions(screen.getByLabelText('Status'), 'paused');
    expect(rowNames()).toEqual(['Dan Berg']);
    await user.type(screen.getByLabelText('Search by name'), 'zz');
    expect(screen.getByRole('heading', { name: 'No patients match' })).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Clear filters' }));
    expect(rowNames()).toHaveLength(4);

    await user.click(screen.getByLabelText('Overdue only'));
    await waitFor(() => expect(rowNames()).toEqual(['Chloé Zola', 'Ana García']));
    expect(calls.at(-1)?.url).toBe('/api/v1/dashboard/compliance?overdueOnly=true');
  });

  it('says so when nobody is overdue, and shows the problem title with a retry on errors', async () => {
    let fail = true;
    mockFetch(servingTaxonomy((call) => {
      if (fail) return problem(503, { title: 'The service is busy.', type: 'https://orthoscan.app/problems/unavailable' });
      return json(200, { items: call.url.includes('overdueOnly=true') ? [] : items, truncated: false });
    }));
    const user = userEvent.setup();
    render(<CompliancePage />);
    expect(await screen.findByRole('heading', { name: 'The service is busy.' })).toBeInTheDocument();

    fail = false;
    await user.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(rowNames()).toHaveLength(4));
    await user.click(screen.getByLabelText('Overdue only'));
    expect(await screen.findByRole('heading', { name: 'Nobody is overdue' })).toBeInTheDocument();
  });
});
