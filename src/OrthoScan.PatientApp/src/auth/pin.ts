import * as Crypto from 'expo-crypto';
import type { DeviceStore } from './deviceStore';

/** Wrong PINs allowed before the app signs out and forgets this phone's sign-in. */
export const maxPinAttempts = 5;

const hashKey = 'pin.hash';
const attemptsKey = 'pin.failures';

export const isValidPin = (pin: string) => /^\d{4,6}$/.test(pin);

async function digest(salt: string, pin: string): Promise<string> {
  return Crypto.digestStringAsync(Crypto.CryptoDigestAlgorithm.SHA256, `${salt}:${pin}`);
}

/**
 * The PIN that guards the app: only a salted hash is kept, in the device's secure store. Its strength is the attempt
 * limit, not the hash: after five wrong PINs the sign-in itself is thrown away (see LockGate).
 */
export function createPinLock(store: DeviceStore) {
  return {
    async isSet(): Promise<boolean> {
      return (await store.get(hashKey)) !== null;
    },
    async set(pin: string): Promise<void> {
      if (!isValidPin(pin)) throw new Error('A PIN has 4 to 6 digits.');
      const salt = Crypto.randomUUID();
      await store.set(hashKey, `${salt}$${await digest(salt, pin)}`);
      await store.remove(attemptsKey);
    },
    /** Whether the PIN is right, and how many tries remain after a wrong one (0: sign out). */
    async check(pin: string): Promise<{ ok: boolean; left: number }> {
      const saved = await store.get(hashKey);
      if (!saved) return { ok: false, left: 0 };
      const [salt, hash] = saved.split('$');
      if ((await digest(salt, pin)) === hash) {
        await store.remove(attemptsKey);
        return { ok: true, left: maxPinAttempts };
      }
      const failures = Number((await store.get(attemptsKey)) ?? '0') + 1;
      await store.set(attemptsKey, String(failures));
      return { ok: false, left: Math.max(0, maxPinAttempts - failures) };
    },
    async clear(): Promise<void> {
      await store.remove(hashKey);
      await store.remove(attemptsKey);
    },
  };
}

export type PinLock = ReturnType<typeof createPinLock>;
