import { render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { subscription } from '@/test/billing';
import { json, mockFetch } from '@/test/http';
import WelcomePage from './page';

afterEach(() => vi.unstubAllGlobals());

const step = (title: string) => screen.getByRole('heading', { name: new RegExp(`^${title}`) }).closest('li')!;

describe('welcome checklist', () => {
  it('asks the owner to choose a plan until the practice has a subscription', async () => {
    const { fn } = mockFetch(() => json(200, subscription({ status: 'none' })));
    render(<WelcomePage />);
    await vi.waitFor(() => expect(fn).toHaveBeenCalledWith('/api/v1/billing/subscription', expect.anything()));
    await new Promise((r) => setTimeout(r, 50));
    const choose = step('Choose a plan');
    expect(within(choose).getByRole('link', { name: 'Choose a plan' })).toHaveAttribute('href', expect.stringMatching(/^\/billing\/?$/));
    expect(within(choose).queryByText('Done')).not.toBeInTheDocument();
  });

  it('marks the step done once a plan is chosen (trial included)', async () => {
    mockFetch(() => json(200, subscription({ status: 'trialing', plan: 'starter' })));
    render(<WelcomePage />);
    expect(await within(step('Choose a plan')).findByText('Done')).toBeInTheDocument();
  });
});
