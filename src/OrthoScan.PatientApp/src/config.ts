import Constants from 'expo-constants';
import { Platform } from 'react-native';

/** Where the API lives: the web build is served by the API itself (same origin); the phone app calls the configured host. */
export const apiBaseUrl: string =
  Platform.OS === 'web' ? '' : String((Constants.expoConfig?.extra as { apiUrl?: string } | undefined)?.apiUrl ?? '');
