import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tokenStore } from '@/auth/tokenStore';
import { mockFetch, problem } from '@/test/http';
import { ResetPasswordForm, tokenFromHash } from './ResetPasswordForm';

afterEach(() => {
  tokenStore.clear();
  vi.unstubAllGlobals();
});

const INVALID = /The link is wrong, was used already, or is older than 30 minutes/;

async function choose(user: ReturnType<typeof userEvent.setup>, password: string, confirm = password) {
  await user.type(screen.getByLabelText('New password'), password);
  await user.type(screen.getByLabelText('Repeat password'), confirm);
  await user.click(screen.getByRole('button', { name: 'Change password' }));
}

describe('ResetPasswordForm', () => {
  it('reads the token from the fragment only', () => {
    expect(tokenFromHash('#token=K7QW')).toBe('K7QW');
    expect(tokenFromHash('#other=1')).toBeNull();
    expect(tokenFromHash('')).toBeNull();
  });

  it('sends the token and the new password, then says every session was signed out', async () => {
    const { calls } = mockFetch(() => new Response(null, { status: 204 }));
    const user = userEvent.setup();
    render(<ResetPasswordForm token="tok-1" />);

    expect(screen.getByLabelText('New password')).toHaveFocus();
    await choose(user, 'correct horse battery');

    expect(await screen.findByText('Your password is changed. Every session was signed out.')).toBeInTheDocument();
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('/api/v1/auth/password/reset');
    expect(calls[0].method).toBe('POST');
    expect(calls[0].body).toEqual({ token: 'tok-1', password: 'correct horse battery' });
    expect(screen.getByRole('link', { name: 'Sign in' })).toHaveAttribute('href', expect.stringMatching(/^\/signin\/?$/));
  });

  it('keeps a short or mismatched password on the client, beside its field', async () => {
    const { calls } = mockFetch(() => new Response(null, { status: 204 }));
    const user = userEvent.setup();
    render(<ResetPasswordForm token="tok-1" />);

    await choose(user, 'short');
    const password = screen.getByLabelText('New password');
    expect(password).toHaveAttribute('aria-invalid', 'true');
    expect(password).toHaveAccessibleDescription('Use at least 12 characters.');
    expect(password).toHaveFocus();

    await user.clear(password);
    await user.clear(screen.getByLabelText('Repeat password'));
    await choose(user, 'correct horse battery', 'correct horse battery!');
    expect(screen.getByLabelText('Repeat password')).toHaveAccessibleDescription('The two passwords do not match.');
    expect(calls).toHaveLength(0);
  });

  it('shows the password the API refused beside the field', async () => {
    mockFetch(() => problem(400, { title: 'The request is not valid.', errors: { Password: ['Use at least 12 characters.'] } }));
    const user = userEvent.setup();
    render(<ResetPasswordForm token="tok-1" />);

    await choose(user, 'aaaaaaaaaaaa');
    await waitFor(() => expect(screen.getByLabelText('New password')).toHaveAccessibleDescription('Use at least 12 characters.'));
  });

  it('says the link does not work and offers a new one on a 422 invalid-reset-token', async () => {
    mockFetch(() =>
      problem(422, { type: 'https://orthoscan.app/problems/invalid-reset-token', title: 'The reset link is not valid.' }));
    const user = userEvent.setup();
    render(<ResetPasswordForm token="used-token" />);

    await choose(user, 'correct horse battery');

    expect(await screen.findByText(INVALID)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Ask for a new link' })).toHaveAttribute('href', expect.stringMatching(/^\/forgot-password\/?$/));
    expect(screen.queryByLabelText('New password')).not.toBeInTheDocument();
  });

  it('without a token, shows the invalid-link message straight away', () => {
    const { calls } = mockFetch(() => new Response(null, { status: 204 }));
    render(<ResetPasswordForm token={null} />);
    expect(screen.getByText(INVALID)).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Ask for a new link' })).toHaveAttribute('href', expect.stringMatching(/^\/forgot-password\/?$/));
    expect(calls).toHaveLength(0);
  });
});
