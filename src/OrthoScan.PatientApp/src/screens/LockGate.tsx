import { useEffect, useState, type ReactNode } from 'react';
import { Text } from 'react-native';
import type { Biometrics } from '../auth/biometrics';
import { isValidPin, type PinLock } from '../auth/pin';
import { useLanguage } from '../i18n';
import { Button, Field, Screen, text } from '../ui/kit';

type Step = { kind: 'checking' } | { kind: 'create' } | { kind: 'confirm'; first: string } | { kind: 'locked' } | { kind: 'open' };

/**
 * Health data stays behind this gate: a new sign-in chooses a PIN; every later start (and every return after a while
 * away) unlocks with Face ID / fingerprint when the phone has it, else the PIN. Five wrong PINs sign out.
 */
export function LockGate({ pin, biometrics, locked, onUnlocked, onLockedOut, children }: {
  pin: PinLock; biometrics: Biometrics; locked: boolean; onUnlocked: () => void; onLockedOut: () => void; children: ReactNode;
}) {
  const { t } = useLanguage();
  const [step, setStep] = useState<Step>({ kind: 'checking' });
  const [entry, setEntry] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const [canUseBiometrics, setCanUseBiometrics] = useState(false);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!locked) {
      setStep({ kind: 'open' });
      return;
    }
    let cancelled = false;
    void (async () => {
      const hasPin = await pin.isSet();
      const biometric = hasPin && (await biometrics.available());
      if (cancelled) return;
      setCanUseBiometrics(biometric);
      setStep({ kind: hasPin ? 'locked' : 'create' });
      if (biometric && (await biometrics.unlock(t('lock.unlockTitle'), t('lock.pin'))) && !cancelled) onUnlocked();
    })();
    return () => {
      cancelled = true;
    };
    // Runs when the app locks, not on every language change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [locked, pin, biometrics]);

  if (step.kind === 'open') return <>{children}</>;
  if (step.kind === 'checking') return <Screen title={t('app.loading')}>{null}</Screen>;

  const submit = async () => {
    setProblem(null);
    setBusy(true);
    try {
      if (step.kind !== 'locked' && !isValidPin(entry)) {
        setProblem(t('lock.tooShort'));
      } else if (step.kind === 'create') {
        setStep({ kind: 'confirm', first: entry });
      } else if (step.kind === 'confirm') {
        if (entry !== step.first) {
          setProblem(t('lock.mismatch'));
          setStep({ kind: 'create' });
        } else {
          await pin.set(entry);
          onUnlocked();
        }
      } else {
        const result = await pin.check(entry);
        if (result.ok) onUnlocked();
        else if (result.left === 0) {
          await pin.clear();
          onLockedOut();
        } else setProblem(t('lock.wrong', { left: result.left }));
      }
    } finally {
      setEntry('');
      setBusy(false);
    }
  };

  const title = step.kind === 'create' ? t('lock.createTitle') : step.kind === 'confirm' ? t('lock.confirmTitle') : t('lock.unlockTitle');
  return (
    <Screen title={title}>
      {step.kind === 'create' ? <Text style={text.body}>{t('lock.createLead')}</Text> : null}
      <Field
        label={t('lock.pin')}
        value={entry}
        onChangeText={(value) => setEntry(value.replace(/\D/g, '').slice(0, 6))}
        keyboardType="number-pad"
        secureTextEntry
        autoComplete="off"
        autoCorrect={false}
        spellCheck={false}
        autoFocus
        maxLength={6}
        onSubmitEditing={() => void submit()}
        error={problem}
      />
      <Button label={step.kind === 'locked' ? t('lock.submit') : step.kind === 'confirm' ? t('lock.save') : t('capture.continue')} onPress={() => void submit()} busy={busy} />
      {step.kind === 'locked' && canUseBiometrics ? (
        <Button kind="secondary" label={t('lock.biometric')} onPress={() => void biometrics.unlock(t('lock.unlockTitle'), t('lock.pin')).then((ok) => ok && onUnlocked())} />
      ) : null}
    </Screen>
  );
}
