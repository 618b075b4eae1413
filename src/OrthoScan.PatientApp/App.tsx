import AsyncStorage from '@react-native-async-storage/async-storage';
import * as Linking from 'expo-linking';
import { StatusBar } from 'expo-status-bar';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { AppState, Platform } from 'react-native';
import { createClient } from './src/api/client';
import type { Language } from './src/api/types';
import { deviceBiometrics } from './src/auth/biometrics';
import { deviceStore } from './src/auth/deviceStore';
import { createPinLock } from './src/auth/pin';
import { createRelockClock } from './src/auth/relock';
import { createDeviceSession } from './src/auth/session';
import { deviceLanguage, LanguageProvider, languages, translator } from './src/i18n';
import { Main } from './src/Main';
import { LockGate } from './src/screens/LockGate';
import { SignInScreen } from './src/screens/SignInScreen';
import { Screen } from './src/ui/kit';

const languageKey = 'settings.language';

type Auth = 'booting' | 'signedOut' | 'signedIn';

function codeFromUrl(url: string | null): string | null {
  if (!url) return null;
  const code = Linking.parse(url).queryParams?.code;
  return typeof code === 'string' && code ? code : null;
}

/** Boot, sign-in from the invitation, the lock, and the language: what stands before the app itself (Main). */
export default function App() {
  const [auth, setAuth] = useState<Auth>('booting');
  const [locked, setLocked] = useState(true);
  const [override, setOverride] = useState<Language | null>(null);
  const [linkCode, setLinkCode] = useState<string | null>(null);
  const [signInNotice, setSignInNotice] = useState<string | null>(null);
  const relock = useMemo(() => createRelockClock(), []);

  const language = override ?? deviceLanguage();
  const session = useMemo(() => createDeviceSession(deviceStore), []);
  const pin = useMemo(() => createPinLock(deviceStore), []);
  const client = useMemo(
    () => createClient({ loadCredentials: session.credentials, saveRefreshToken: session.saveRefreshToken, onSignedOut: () => setAuth('signedOut') }),
    [session],
  );

  useEffect(() => {
    void (async () => {
      const saved = (await AsyncStorage.getItem(languageKey)) as Language | null;
      if (saved && languages.includes(saved)) setOverride(saved);
      setLinkCode(codeFromUrl(await Linking.getInitialURL()));
      setAuth((await session.signedIn()) ? 'signedIn' : 'signedOut');
    })();
    const links = Linking.addEventListener('url', ({ url }) => setLinkCode(codeFromUrl(url)));
    const appState = AppState.addEventListener('change', (state) => {
      if (relock.changed(state)) setLocked(true);
    });
    return () => {
      links.remove();
      appState.remove();
    };
  }, [session, relock]);

  const activate = useCallback(async (code: string) => {
    await session.activate(client, code);
    await pin.clear();
    setSignInNotice(null);
    setLocked(true);
    setAuth('signedIn');
    // The code is used: it should not stay in the address bar or the history.
    if (Platform.OS === 'web') window.history.replaceState(null, '', window.location.pathname);
  }, [client, pin, session]);

  const signOut = useCallback(async () => {
    await session.signOut(client);
    await pin.clear();
    await AsyncStorage.clear();
    setOverride(null);
    setAuth('signedOut');
  }, [client, pin, session]);

  const chooseLanguage = useCallback(async (chosen: Language | null) => {
    setOverride(chosen);
    if (chosen) await AsyncStorage.setItem(languageKey, chosen);
    else await AsyncStorage.removeItem(languageKey);
    // Notifications follow the app's language.
    void client.request('/api/v1/me', { method: 'PATCH', body: { preferredLanguage: chosen ?? deviceLanguage() } }).catch(() => undefined);
  }, [client]);

  let content;
  if (auth === 'booting') content = <Screen title={translator(language)('app.loading')}>{null}</Screen>;
  else if (auth === 'signedOut') content = <SignInScreen initialCode={linkCode} notice={signInNotice} onActivate={activate} />;
  else {
    content = (
      <LockGate
        pin={pin}
        biometrics={deviceBiometrics}
        locked={locked}
        onUnlocked={() => setLocked(false)}
        onLockedOut={() => {
          setSignInNotice(translator(language)('lock.lockedOut'));
          void signOut();
        }}
      >
        <Main client={client} override={override} onLanguage={(l) => void chooseLanguage(l)} onSignOut={signOut} />
      </LockGate>
    );
  }

  return (
    <LanguageProvider language={language}>
      <StatusBar style="dark" />
      {content}
    </LanguageProvider>
  );
}
