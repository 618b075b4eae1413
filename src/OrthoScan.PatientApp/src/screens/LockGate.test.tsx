import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { Text } from 'react-native';
import type { Biometrics } from '../auth/biometrics';
import { deviceStore } from '../auth/deviceStore';
import { createPinLock, maxPinAttempts } from '../auth/pin';
import { LanguageProvider } from '../i18n';
import { LockGate } from './LockGate';

function biometrics(available: boolean, succeeds: boolean): Biometrics & { prompts: number } {
  const fake = {
    prompts: 0,
    available: async () => available,
    unlock: async () => {
      fake.prompts++;
      return succeeds;
    },
  };
  return fake;
}

async function gate(options: { biometrics?: Biometrics; pinSet?: string } = {}) {
  const pin = createPinLock(deviceStore);
  await pin.clear();
  if (options.pinSet) await pin.set(options.pinSet);
  const events = { unlocked: 0, lockedOut: 0 };
  render(
    <LanguageProvider language="en">
      <LockGate pin={pin} biometrics={options.biometrics ?? biometrics(false, false)} locked onUnlocked={() => events.unlocked++} onLockedOut={() => events.lockedOut++}>
        <Text>Health data</Text>
      </LockGate>
    </LanguageProvider>,
  );
  return { pin, events };
}

/** Types into the PIN field (react-native-web renders an <input>) and presses the button. */
async function enterPin(value: string, button: string) {
  fireEvent.change(await screen.findByLabelText('PIN'), { target: { value } });
  await act(async () => {
    fireEvent.click(screen.getByRole('button', { name: button }));
  });
  // Hashing is asynchronous: the gate empties the field (or goes away) once it has decided.
  await waitFor(() => expect((screen.queryByLabelText('PIN') as HTMLInputElement | null)?.value ?? '').toBe(''));
}

describe('the lock in front of the app', () => {
  beforeEach(() => localStorage.clear());

  it('a new sign-in chooses a PIN, typed twice, and only a salted hash is stored', async () => {
    const { pin, events } = await gate();
    expect(await screen.findByText('Choose a PIN')).toBeTruthy();
    expect(screen.queryByText('Health data')).toBeNull();

    await enterPin('12', 'Continue');
    expect(await screen.findByText('Use 4 to 6 digits.')).toBeTruthy();
    await enterPin('2468', 'Continue');
    expect(await screen.findByText('Enter the PIN again')).toBeTruthy();
    await enterPin('2469', 'Save PIN');
    expect(await screen.findByText('The two PINs were different. Choose one again.')).toBeTruthy();
    await enterPin('2468', 'Continue');
    await enterPin('2468', 'Save PIN');

    expect(events.unlocked).toBe(1);
    expect(await pin.check('2468')).toMatchObject({ ok: true });
    expect(JSON.stringify({ ...localStorage })).not.toContain('2468');
  });

  it('unlocks with the right PIN and counts the wrong ones down', async () => {
    const { events } = await gate({ pinSet: '1357' });
    expect(await screen.findByText('Unlock OrthoScan')).toBeTruthy();
    await enterPin('0000', 'Unlock');
    expect(await screen.findByText(`Wrong PIN. ${maxPinAttempts - 1} tries left.`)).toBeTruthy();
    expect(events.unlocked).toBe(0);
    await enterPin('1357', 'Unlock');
    expect(events.unlocked).toBe(1);
  });

  it('five wrong PINs sign the phone out and forget the PIN', async () => {
    const { pin, events } = await gate({ pinSet: '1357' });
    for (let i = 1; i < maxPinAttempts; i++) {
      await enterPin('9999', 'Unlock');
      expect(await screen.findByText(`Wrong PIN. ${maxPinAttempts - i} tries left.`)).toBeTruthy();
    }
    await enterPin('9999', 'Unlock');
    expect(events.lockedOut).toBe(1);
    expect(events.unlocked).toBe(0);
    expect(await pin.isSet()).toBe(false);
  });

  it('opens with Face ID or a fingerprint when the phone has it, without asking for the PIN', async () => {
    const face = biometrics(true, true);
    const { events } = await gate({ pinSet: '1357', biometrics: face });
    await waitFor(() => expect(events.unlocked).toBe(1));
    expect(face.prompts).toBe(1);
    expect(events.unlocked).toBe(1);
  });

  it('falls back to the PIN when the biometric check fails', async () => {
    const face = biometrics(true, false);
    const { events } = await gate({ pinSet: '1357', biometrics: face });
    expect(await screen.findByRole('button', { name: 'Unlock with Face ID or fingerprint' })).toBeTruthy();
    expect(events.unlocked).toBe(0);
    await enterPin('1357', 'Unlock');
    expect(events.unlocked).toBe(1);
  });
});
