import * as Crypto from 'expo-crypto';
import type { ApiClient, Credentials } from '../api/client';
import type { Activation } from '../api/types';
import type { DeviceStore } from './deviceStore';

const refreshKey = 'auth.refreshToken';
const deviceKey = 'auth.deviceId';

/** This phone's sign-in: a refresh token bound to its device id, both in the secure store. */
export function createDeviceSession(store: DeviceStore) {
  async function deviceId(): Promise<string> {
    const existing = await store.get(deviceKey);
    if (existing) return existing;
    const created = `app-${Crypto.randomUUID()}`;
    await store.set(deviceKey, created);
    return created;
  }

  return {
    async credentials(): Promise<Credentials | null> {
      const refreshToken = await store.get(refreshKey);
      return refreshToken ? { refreshToken, deviceId: await deviceId() } : null;
    },
    saveRefreshToken: (token: string) => store.set(refreshKey, token),
    async signedIn(): Promise<boolean> {
      return (await store.get(refreshKey)) !== null;
    },
    /** Exchanges the invitation code (typed, or from the link) for this device's sign-in. */
    async activate(client: ApiClient, code: string): Promise<Activation> {
      const activation = await client.request<Activation>('/api/v1/auth/patient/activate', {
        method: 'POST', anonymous: true, body: { code: code.trim().toUpperCase(), deviceId: await deviceId() },
      });
      await store.set(refreshKey, activation.refreshToken);
      client.useAccessToken(activation.accessToken);
      return activation;
    },
    /** Revokes the sign-in on the server when it can be reached; forgets it on the phone either way. */
    async signOut(client: ApiClient): Promise<void> {
      try {
        await client.request('/api/v1/auth/logout', { method: 'POST' });
      } catch {
        // Offline or already revoked: the token leaves the phone below, and the server's copy expires unused.
      }
      client.useAccessToken(null);
      await store.remove(refreshKey);
    },
  };
}

export type DeviceSession = ReturnType<typeof createDeviceSession>;
