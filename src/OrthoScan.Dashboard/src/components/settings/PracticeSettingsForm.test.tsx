import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PracticeSettings } from '@/api/types';
import { json, mockFetch, problem } from '@/test/http';
import { PracticeSettingsForm } from './PracticeSettingsForm';

afterEach(() => vi.unstubAllGlobals());

const fresh: PracticeSettings = {
  practiceId: 'p-1', name: 'Smile Orthodontics', country: null, region: null, timezone: 'UTC', billingEmail: null,
  shareDeidentifiedData: { enabled: false, changedBy: null, changedAt: null },
  externalAiProcessing: { enabled: false, changedBy: null, changedAt: null },
};

describe('PracticeSettingsForm', () => {
  it('shows both data-use choices off by default and saves the changes, then says who turned one on', async () => {
    const { calls } = mockFetch((call) =>
      call.method === 'PATCH'
        ? json(200, {
          ...fresh, country: 'GB', region: 'England', timezone: 'Europe/London', billingEmail: 'accounts@smile.example',
          externalAiProcessing: { enabled: true, changedBy: 'Dr Ada Owner', changedAt: '2026-12-01T09:30:00Z' },
        })
        : json(200, fresh));
    const user = userEvent.setup();
    render(<PracticeSettingsForm />);

    const ai = await screen.findByRole('checkbox', { name: /external AI service/ });
    expect(ai).not.toBeChecked();
    expect(screen.getByRole('checkbox', { name: /de-identified/ })).not.toBeChecked();
    expect(screen.getByTestId('ai-changed')).toHaveTextContent('Off since the practice was created.');

    await user.type(screen.getByLabelText(/Country/), 'gb');
    await user.type(screen.getByRole('textbox', { name: /Region/ }), 'England');
    await user.clear(screen.getByLabelText(/Time zone/));
    await user.type(screen.getByLabelText(/Time zone/), 'Europe/London');
    await user.type(screen.getByRole('textbox', { name: /Billing email/ }), 'accounts@smile.example');
    await user.click(ai);
    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    expect(await screen.findByText(/Settings saved/)).toBeInTheDocument();
    expect(calls.at(-1)).toMatchObject({
      url: '/api/v1/practice/settings',
      method: 'PATCH',
      body: {
        country: 'GB', region: 'England', timezone: 'Europe/London', billingEmail: 'accounts@smile.example',
        shareDeidentifiedData: false, externalAiProcessing: true,
      },
    });
    expect(screen.getByTestId('ai-changed')).toHaveTextContent(/Turned on by Dr Ada Owner on/);
  });

  it('refuses an unknown country before sending, and shows the API field error beside its field', async () => {
    const { calls } = mockFetch((call) =>
      call.method === 'PATCH'
        ? problem(400, {
          title: 'One or more fields are invalid.', type: 'https://orthoscan.app/problems/validation',
          errors: { timezone: ['Use an IANA time zone such as Europe/Paris.'] },
        })
        : json(200, fresh));
    const user = userEvent.setup();
    render(<PracticeSettingsForm />);

    const country = await screen.findByLabelText(/Country/);
    await user.type(country, 'Germany');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText(/Choose a country from the list/)).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(0);

    await user.clear(country);
    await user.type(screen.getByLabelText(/Time zone/), '/Nowhere');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Use an IANA time zone such as Europe/Paris.')).toBeInTheDocument();
    expect(screen.queryByText(/Settings saved/)).not.toBeInTheDocument();
  });
});
