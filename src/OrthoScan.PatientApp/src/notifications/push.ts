import * as Notifications from 'expo-notifications';
import { Platform } from 'react-native';
import type { ApiClient } from '../api/client';

export type Destination = 'messages' | 'home' | 'capture';

/**
 * Registers this phone's push token with the API (sent again at every start: tokens rotate). Returns false where push
 * is not available (the web build, a simulator, a build without FCM/APNs credentials): reminders then come from
 * local notifications (see scheduleLocalReminder).
 */
export async function registerForPush(client: ApiClient): Promise<boolean> {
  if (Platform.OS === 'web') return false;
  try {
    const permission = await Notifications.requestPermissionsAsync();
    if (!permission.granted) return false;
    const token = await Notifications.getDevicePushTokenAsync();
    await client.request('/api/v1/notifications/devices', { method: 'POST', body: { token: String(token.data), platform: Platform.OS } });
    return true;
  } catch {
    return false;
  }
}

/** The fallback reminder: a local notification at 10:00 on the day the next scan is due. No clinical text. */
export async function scheduleLocalReminder(nextScanDue: string, title: string, body: string): Promise<void> {
  if (Platform.OS === 'web') return;
  try {
    await Notifications.cancelAllScheduledNotificationsAsync();
    const due = new Date(`${nextScanDue}T10:00:00`);
    if (due.getTime() <= Date.now()) return;
    await Notifications.scheduleNotificationAsync({
      content: { title, body, data: { screen: 'capture' } },
      trigger: { type: Notifications.SchedulableTriggerInputTypes.DATE, date: due },
    });
  } catch {
    // Without permission there is nothing to schedule; the reminder by SMS or email still comes from the practice.
  }
}

/** Opens the screen a tapped notification is about: its `screen` data (new message, reminder), else the timeline. */
export function onNotificationOpened(open: (destination: Destination) => void): () => void {
  if (Platform.OS === 'web') return () => undefined;
  const subscription = Notifications.addNotificationResponseReceivedListener((response) => {
    const screen = response.notification.request.content.data?.screen;
    open(screen === 'messages' || screen === 'capture' ? screen : 'home');
  });
  return () => subscription.remove();
}
