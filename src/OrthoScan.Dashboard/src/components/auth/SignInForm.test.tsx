import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tokenStore } from '@/auth/tokenStore';
import { json, mockFetch, problem } from '@/test/http';
import { SignInForm } from './SignInForm';

afterEach(() => {
  tokenStore.clear();
  vi.unstubAllGlobals();
});

async function submitPassword(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText('Email'), 'dr.lee@practice.com');
  await user.type(screen.getByLabelText('Password'), 'correct horse battery');
  await user.click(screen.getByRole('button', { name: 'Continue' }));
}

describe('SignInForm', () => {
  it('validates before calling the API and points each message at its field', async () => {
    const { calls } = mockFetch(() => json(200, {}));
    const user = userEvent.setup();
    render(<SignInForm onSignedIn={vi.fn()} />);

    await user.type(screen.getByLabelText('Email'), 'not-an-email');
    await user.click(screen.getByRole('button', { name: 'Continue' }));

    const email = screen.getByLabelText('Email');
    expect(email).toHaveAttribute('aria-invalid', 'true');
    expect(email).toHaveAccessibleDescription(/Enter an email address like/);
    expect(screen.getByLabelText('Password')).toHaveAccessibleDescription('Enter your password.');
    expect(email).toHaveFocus();
    expect(calls).toHaveLength(0);
  });

  it('shows the problem title for wrong credentials and stays on the password step', async () => {
    mockFetch(() => problem(401, { type: 'https://orthoscan.app/problems/invalid-credentials', title: 'Email or password is wrong.' }));
    const user = userEvent.setup();
    render(<SignInForm onSignedIn={vi.fn()} />);

    await submitPassword(user);

    expect(await screen.findByRole('alert')).toHaveTextContent('Email or password is wrong.');
    expect(screen.queryByLabelText('6-digit code')).not.toBeInTheDocument();
    expect(screen.getByLabelText('Password')).toHaveValue('correct horse battery');
  });

  it('switches to the code step when the API asks to verify, and signs in with a valid code', async () => {
    const onSignedIn = vi.fn();
    const { calls } = mockFetch((call) => {
      if (call.url === '/api/v1/auth/login') return json(200, { mfaRequired: 'verify', mfaToken: 'mfa-1' });
      if (call.url === '/api/v1/auth/mfa/verify') return json(200, { accessToken: 'access-1', refreshToken: null, expiresIn: 900 });
      return problem(404, { title: 'Not found' });
    });
    const user = userEvent.setup();
    render(<SignInForm onSignedIn={onSignedIn} />);

    await submitPassword(user);
    const code = await screen.findByLabelText('6-digit code');
    expect(screen.queryByRole('img', { name: /QR code/ })).not.toBeInTheDocument();
    expect(screen.queryByLabelText('Password')).not.toBeInTheDocument();

    await user.type(code, '123 456');
    await user.click(screen.getByRole('button', { name: 'Verify and continue' }));

    await waitFor(() => expect(onSignedIn).toHaveBeenCalledTimes(1));
    const verify = calls.find((c) => c.url === '/api/v1/auth/mfa/verify')!;
    expect(verify.body).toEqual({ mfaToken: 'mfa-1', code: '123456' });
    expect(verify.headers['X-OrthoScan-Client']).toBe('dashboard');
    expect(tokenStore.get()).toBe('access-1');
  });

  it('enrols first when the API asks: shows the QR image and the secret, then the code', async () => {
    const { calls } = mockFetch((call) => {
      if (call.url === '/api/v1/auth/login') return json(200, { mfaRequired: 'enroll', mfaToken: 'mfa-2' });
      if (call.url === '/api/v1/auth/mfa/enroll')
        return json(200, { secret: 'JBSWY3DPEHPK3PXP', otpauthUri: 'otpauth://totp/x', qrCodePng: 'data:image/png;base64,iVBORw0KGgo=' });
      return problem(404, { title: 'Not found' });
    });
    const user = userEvent.setup();
    render(<SignInForm onSignedIn={vi.fn()} />);

    await submitPassword(user);

    const qr = await screen.findByRole('img', { name: /QR code/ });
    expect(qr).toHaveAttribute('src', 'data:image/png;base64,iVBORw0KGgo=');
    expect(screen.getByTestId('mfa-secret')).toHaveTextContent('JBSW Y3DP EHPK 3PXP');
    expect(screen.getByLabelText('6-digit code')).toBeEnabled();
    expect(calls.find((c) => c.url === '/api/v1/auth/mfa/enroll')?.body).toEqual({ mfaToken: 'mfa-2' });
  });

  it('keeps a malformed code on the client and shows a refused code beside the field', async () => {
    const { calls } = mockFetch((call) => {
      if (call.url === '/api/v1/auth/login') return json(200, { mfaRequired: 'verify', mfaToken: 'mfa-3' });
      return problem(401, {
        type: 'https://orthoscan.app/problems/invalid-mfa-code',
        title: 'The code is wrong or was already used.',
        detail: 'Wait for the next code and try again.',
      });
    });
    const user = userEvent.setup();
    render(<SignInForm onSignedIn={vi.fn()} />);
    await submitPassword(user);

    const code = await screen.findByLabelText('6-digit code');
    await user.type(code, '12ab');
    await user.click(screen.getByRole('button', { name: 'Verify and continue' }));
    expect(code).toHaveAccessibleDescription('Enter the 6-digit code from your authenticator app.');
    expect(calls.filter((c) => c.url === '/api/v1/auth/mfa/verify')).toHaveLength(0);

    await user.clear(code);
    await user.type(code, '654321');
    await user.click(screen.getByRole('button', { name: 'Verify and continue' }));
    await waitFor(() => expect(code).toHaveAccessibleDescription(/The code is wrong or was already used\./));
    expect(tokenStore.get()).toBeNull();
  });
});
