import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tokenStore } from '@/auth/tokenStore';
import { json, mockFetch, problem } from '@/test/http';
import { ForgotPasswordForm } from './ForgotPasswordForm';

afterEach(() => {
  tokenStore.clear();
  vi.unstubAllGlobals();
});

describe('ForgotPasswordForm', () => {
  it('focuses the email field and validates before calling the API', async () => {
    const { calls } = mockFetch(() => json(202, {}));
    const user = userEvent.setup();
    render(<ForgotPasswordForm />);

    const email = screen.getByLabelText('Email');
    expect(email).toHaveFocus();
    await user.click(screen.getByRole('button', { name: 'Send reset link' }));
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription('Enter your email address.');

    await user.type(email, 'not-an-email');
    await user.click(screen.getByRole('button', { name: 'Send reset link' }));
    expect(email).toHaveAccessibleDescription(/Enter an email address like/);
    expect(email).toHaveFocus();
    expect(calls).toHaveLength(0);
  });

  it('sends the email anonymously and shows the same neutral confirmation for any address', async () => {
    const { calls } = mockFetch(() => new Response(null, { status: 202 }));
    const user = userEvent.setup();
    render(<ForgotPasswordForm />);

    await user.type(screen.getByLabelText('Email'), '  dr.lee@practice.com ');
    await user.click(screen.getByRole('button', { name: 'Send reset link' }));

    expect(
      await screen.findByText('If an account uses this email, a link to reset the password is on its way. It works once, for 30 minutes.'),
    ).toBeInTheDocument();
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toBe('/api/v1/auth/password/forgot');
    expect(calls[0].method).toBe('POST');
    expect(calls[0].body).toEqual({ email: 'dr.lee@practice.com' });
    expect(calls[0].headers.Authorization).toBeUndefined();
    expect(screen.getByRole('link', { name: 'Back to sign in' })).toHaveAttribute('href', expect.stringMatching(/^\/signin\/?$/));
    expect(screen.queryByLabelText('Email')).not.toBeInTheDocument();
  });

  it('shows a rate limit as a problem and keeps the form', async () => {
    mockFetch(() => problem(429, { title: 'Too many requests.' }, { 'Retry-After': '30' }));
    const user = userEvent.setup();
    render(<ForgotPasswordForm />);

    await user.type(screen.getByLabelText('Email'), 'dr.lee@practice.com');
    await user.click(screen.getByRole('button', { name: 'Send reset link' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Too many requests.');
    expect(alert).toHaveTextContent('Try again in 30 seconds.');
    expect(screen.getByLabelText('Email')).toHaveValue('dr.lee@practice.com');
  });
});
