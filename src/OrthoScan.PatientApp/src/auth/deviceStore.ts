import * as SecureStore from 'expo-secure-store';
import { Platform } from 'react-native';

/**
 * Secrets of this device (the refresh token, its device id, the PIN's hash): the phone's keychain/keystore through
 * expo-secure-store. The web build has no keychain; it keeps them in the browser's storage for demos and tests only.
 */
export const deviceStore = {
  async get(key: string): Promise<string | null> {
    if (Platform.OS === 'web') return globalThis.localStorage?.getItem(`orthoscan.${key}`) ?? null;
    return SecureStore.getItemAsync(key);
  },
  async set(key: string, value: string): Promise<void> {
    if (Platform.OS === 'web') {
      globalThis.localStorage?.setItem(`orthoscan.${key}`, value);
      return;
    }
    await SecureStore.setItemAsync(key, value, { keychainAccessible: SecureStore.WHEN_UNLOCKED_THIS_DEVICE_ONLY });
  },
  async remove(key: string): Promise<void> {
    if (Platform.OS === 'web') {
      globalThis.localStorage?.removeItem(`orthoscan.${key}`);
      return;
    }
    await SecureStore.deleteItemAsync(key);
  },
};

export type DeviceStore = typeof deviceStore;
