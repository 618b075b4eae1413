import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tokenStore } from '@/auth/tokenStore';
import { json, mockFetch, problem } from '@/test/http';
import { MfaStep } from './MfaStep';

afterEach(() => {
  tokenStore.clear();
  vi.unstubAllGlobals();
});

const recoveryCodes = [
  'K7QWM-2PX9H',
  'A3B4C-D5E6F',
  'G7H8J-K9L2M',
  'N3P4Q-R5S6T',
  'U7V8W-X9Y2Z',
  'B2C3D-F4G5H',
  'J6K7L-M8N9P',
  'Q2R3S-T4U5V',
  'W6X7Y-Z8A9B',
  'C2D3E-F4G5J',
];

/** jsdom's Blob has no text(); FileReader reads it. */
function readText(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

describe('MfaStep', () => {
  it('shows the ten recovery codes once, under the QR code, with copy and download', async () => {
    mockFetch((call) => {
      if (call.url === '/api/v1/auth/mfa/enroll')
        return json(200, { secret: 'JBSWY3DPEHPK3PXP', otpauthUri: 'otpauth://totp/x', qrCodePng: 'data:image/png;base64,iVBORw0KGgo=', recoveryCodes });
      return problem(404, { title: 'Not found' });
    });
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockReturnValue('blob:recovery');
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const user = userEvent.setup();
    render(<MfaStep challenge={{ mfaRequired: 'enroll', mfaToken: 'mfa-1' }} onSignedIn={vi.fn()} onRestart={vi.fn()} />);

    const list = await screen.findByTestId('recovery-codes');
    const items = within(list).getAllByRole('listitem');
    expect(items.map((li) => li.textContent)).toEqual(recoveryCodes);
    expect(screen.getByRole('heading', { name: 'Recovery codes' })).toBeVisible();
    expect(screen.getByText(/They are shown only now\./)).toBeVisible();
    expect(screen.getByRole('button', { name: 'Copy codes' })).toBeEnabled();
    // The enrol flow is unchanged: the first code is still the authenticator's.
    expect(screen.getByLabelText('6-digit code')).toHaveFocus();
    expect(screen.queryByRole('button', { name: 'Use a recovery code instead' })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Download' }));
    expect(click).toHaveBeenCalledTimes(1);
    const anchor = click.mock.instances[0] as unknown as HTMLAnchorElement;
    expect(anchor.download).toBe('orthoscan-recovery-codes.txt');
    expect(anchor.getAttribute('href')).toBe('blob:recovery');
    const text = await readText(createObjectURL.mock.calls[0][0] as Blob);
    for (const c of recoveryCodes) expect(text).toContain(c);
  });

  it('signs in with a recovery code instead of the authenticator code', async () => {
    const onSignedIn = vi.fn();
    const { calls } = mockFetch((call) => {
      if (call.url === '/api/v1/auth/mfa/verify') return json(200, { accessToken: 'access-1', refreshToken: null, expiresIn: 900 });
      return problem(404, { title: 'Not found' });
    });
    const user = userEvent.setup();
    render(<MfaStep challenge={{ mfaRequired: 'verify', mfaToken: 'mfa-2' }} onSignedIn={onSignedIn} onRestart={vi.fn()} />);

    expect(screen.getByLabelText('6-digit code')).toHaveAttribute('inputmode', 'numeric');
    await user.click(screen.getByRole('button', { name: 'Use a recovery code instead' }));

    const field = screen.getByLabelText('Recovery code');
    expect(field).toHaveFocus();
    expect(field).not.toHaveAttribute('inputmode');
    expect(field).toHaveAttribute('maxlength', '11');
    expect(field).toHaveAttribute('placeholder', 'XXXXX-XXXXX');
    expect(screen.queryByLabelText('6-digit code')).not.toBeInTheDocument();

    await user.type(field, 'k7qwm-2px9h');
    await user.click(screen.getByRole('button', { name: 'Verify and continue' }));

    await waitFor(() => expect(onSignedIn).toHaveBeenCalledTimes(1));
    const verify = calls.filter((c) => c.url === '/api/v1/auth/mfa/verify');
    expect(verify).toHaveLength(1);
    expect(verify[0].body).toEqual({ mfaToken: 'mfa-2', code: 'K7QWM-2PX9H' });
    expect(tokenStore.get()).toBe('access-1');
  });

  it('refuses a malformed recovery code beside the field without calling the API, and can go back', async () => {
    const { calls } = mockFetch(() => problem(404, { title: 'Not found' }));
    const user = userEvent.setup();
    render(<MfaStep challenge={{ mfaRequired: 'verify', mfaToken: 'mfa-3' }} onSignedIn={vi.fn()} onRestart={vi.fn()} />);

    await user.click(screen.getByRole('button', { name: 'Use a recovery code instead' }));
    const field = screen.getByLabelText('Recovery code');
    await user.type(field, 'K7QWM-2PX9');
    await user.click(screen.getByRole('button', { name: 'Verify and continue' }));

    expect(field).toHaveAttribute('aria-invalid', 'true');
    expect(field).toHaveAccessibleDescription(/10 letters and digits/);
    expect(field).toHaveFocus();
    expect(calls).toHaveLength(0);

    await user.click(screen.getByRole('button', { name: 'Use the authenticator app' }));
    const code = screen.getByLabelText('6-digit code');
    expect(code).toHaveValue('');
    expect(code).not.toHaveAttribute('aria-invalid');
    expect(code).toHaveFocus();
  });
});
