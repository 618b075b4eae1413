import AsyncStorage from '@react-native-async-storage/async-storage';
import * as Crypto from 'expo-crypto';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Platform } from 'react-native';
import type { ApiClient } from './api/client';
import { useLiveThread } from './api/live';
import { allViews, type ImageType, type Me, type ScanPage, type ScanSession, type ThreadPage, type Language } from './api/types';
import type { Photo } from './capture/machine';
import { formatDate, useLanguage } from './i18n';
import { onNotificationOpened, registerForPush, scheduleLocalReminder } from './notifications/push';
import { createUploader, type QueueStatus } from './queue/uploadQueue';
import { CaptureScreen } from './screens/CaptureScreen';
import { retakesOf } from './capture/retakes';
import { HomeScreen } from './screens/HomeScreen';
import { MessagesScreen } from './screens/MessagesScreen';
import { SettingsScreen } from './screens/SettingsScreen';
import { Button, Notice, Screen } from './ui/kit';

type Route = { name: 'home' } | { name: 'capture'; retake: ScanSession | null } | { name: 'messages' } | { name: 'settings' };

const emptyQueue: QueueStatus = { scans: 0, photosWaiting: 0, sending: false, offline: false, problem: null };

/** The signed-in, unlocked app: the timeline and the screens it opens, the upload queue and push registration. */
export function Main({ client, override, onLanguage, onSignOut }: {
  client: ApiClient; override: Language | null; onLanguage: (language: Language | null) => void; onSignOut: () => Promise<void>;
}) {
  const { t, language } = useLanguage();
  const [route, setRoute] = useState<Route>({ name: 'home' });
  const [me, setMe] = useState<Me | null>(null);
  const [scans, setScans] = useState<ScanSession[]>([]);
  const [unread, setUnread] = useState(0);
  const [queue, setQueue] = useState<QueueStatus>(emptyQueue);
  const [notice, setNotice] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [pushRegistered, setPushRegistered] = useState(false);

  const markRead = useCallback(() => setUnread(0), []);

  const load = useCallback(async () => {
    try {
      const [profile, page, threads] = await Promise.all([
        client.request<Me>('/api/v1/me'),
        client.request<ScanPage>('/api/v1/me/scans?limit=20'),
        client.request<ThreadPage>('/api/v1/messages/threads?limit=1'),
      ]);
      setMe(profile);
      setScans(page.items);
      setUnread(threads.items[0]?.unread ?? 0);
      setFailed(false);
    } catch {
      setFailed(true);
    }
  }, [client]);

  const uploader = useMemo(
    () => createUploader({ client, store: AsyncStorage, newId: () => Crypto.randomUUID(), onChange: setQueue, onSubmitted: () => void load() }),
    [client, load],
  );

  useEffect(() => {
    void load();
    void uploader.kick();
    void registerForPush(client).then(setPushRegistered);
    const stop = onNotificationOpened((screen) => setRoute(screen === 'capture' ? { name: 'capture', retake: null } : screen === 'messages' ? { name: 'messages' } : { name: 'home' }));
    if (Platform.OS !== 'web') return stop;
    // The web build hears the network come back; the phone retries on its backoff and at every start.
    const online = () => void uploader.kick();
    window.addEventListener('online', online);
    return () => {
      stop();
      window.removeEventListener('online', online);
    };
  }, [client, load, uploader]);

  // The practice wrote, or the review's feedback arrived: the timeline (feedback, unread count) fetches again, and
  // the open conversation hears of it through `liveChanges`. One connection for the whole app.
  const [liveChanges, setLiveChanges] = useState(0);
  useLiveThread(client, () => {
    setLiveChanges((n) => n + 1);
    void load();
  });

  // Follows a scan through processing: often while something is on its way, rarely otherwise.
  const busy = queue.scans > 0 || scans.some((s) => s.status === 'pending' || s.status === 'processing');
  useEffect(() => {
    if (route.name !== 'home') return;
    const timer = setInterval(() => void load(), busy ? 3_000 : 30_000);
    return () => clearInterval(timer);
  }, [busy, load, route.name]);

  useEffect(() => {
    if (me && !pushRegistered) void scheduleLocalReminder(me.nextScanDue, t('home.startScan'), t('home.nextDue', { date: formatDate(language, me.nextScanDue) }));
  }, [me, pushRegistered, t, language]);

  const send = async (photos: Partial<Record<ImageType, Photo>>, alignerNumber: number, retake: ScanSession | null) => {
    await uploader.enqueue(photos, alignerNumber, retake?.id ?? null);
    setNotice(t('queue.sent'));
    setRoute({ name: 'home' });
  };

  if (!me) {
    return (
      <Screen title={failed ? t('app.error') : t('app.loading')}>
        {failed ? <Button label={t('app.retry')} onPress={() => void load()} /> : null}
      </Screen>
    );
  }

  switch (route.name) {
    case 'capture': {
      const retake = route.retake;
      return (
        <CaptureScreen
          views={retake ? retakesOf(retake).map((r) => r.view) : allViews}
          alignerNumber={retake ? retake.alignerNumber : null}
          onSend={(photos, aligner) => send(photos, aligner, retake)}
          onCancel={() => setRoute({ name: 'home' })}
        />
      );
    }
    case 'messages':
      return <MessagesScreen client={client} liveChanges={liveChanges} onBack={() => { setRoute({ name: 'home' }); void load(); }} onRead={markRead} />;
    case 'settings':
      return <SettingsScreen override={override} pushRegistered={pushRegistered} onLanguage={onLanguage} onSignOut={onSignOut} onBack={() => setRoute({ name: 'home' })} />;
    default:
      return (
        <>
          {failed ? <Notice kind="warn">{t('app.offline')}</Notice> : null}
          <HomeScreen
            me={me}
            scans={scans}
            queue={queue}
            unread={unread}
            notice={notice}
            onScan={() => { setNotice(null); setRoute({ name: 'capture', retake: null }); }}
            onRetake={(session) => { setNotice(null); setRoute({ name: 'capture', retake: session }); }}
            onMessages={() => setRoute({ name: 'messages' })}
            onSettings={() => setRoute({ name: 'settings' })}
            onRetry={() => void uploader.kick()}
          />
        </>
      );
  }
}
