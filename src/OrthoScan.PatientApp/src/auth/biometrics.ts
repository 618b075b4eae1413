import * as LocalAuthentication from 'expo-local-authentication';

/** Face ID / fingerprint, when the phone has it and the patient enrolled; the web build never does. */
export interface Biometrics {
  available(): Promise<boolean>;
  unlock(prompt: string, fallback: string): Promise<boolean>;
}

export const deviceBiometrics: Biometrics = {
  async available() {
    try {
      return (await LocalAuthentication.hasHardwareAsync()) && (await LocalAuthentication.isEnrolledAsync());
    } catch {
      return false;
    }
  },
  async unlock(prompt, fallback) {
    // The app's own PIN is the fallback, not the phone's passcode: disableDeviceFallback.
    const result = await LocalAuthentication.authenticateAsync({ promptMessage: prompt, fallbackLabel: fallback, disableDeviceFallback: true });
    return result.success;
  },
};
