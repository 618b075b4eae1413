import { useEffect, useState } from 'react';
import { Text } from 'react-native';
import { ApiError } from '../api/client';
import { useLanguage } from '../i18n';
import { Button, Field, Notice, Screen, text } from '../ui/kit';

/** The first screen: the code from the invitation (filled in when the invitation's link opened the app). */
export function SignInScreen({ initialCode, notice, onActivate }: { initialCode: string | null; notice?: string | null; onActivate: (code: string) => Promise<void> }) {
  const { t } = useLanguage();
  const [code, setCode] = useState(initialCode ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (initialCode) setCode(initialCode);
  }, [initialCode]);

  const submit = async () => {
    if (!code.trim()) return;
    setBusy(true);
    setProblem(null);
    try {
      await onActivate(code);
    } catch (error) {
      setProblem(error instanceof ApiError && error.offline ? t('app.offline') : error instanceof ApiError && error.status < 500 ? t('signIn.badCode') : t('app.error'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Screen title={t('signIn.title')}>
      {notice ? <Notice kind="warn">{notice}</Notice> : null}
      <Text style={text.body}>{t('signIn.lead')}</Text>
      <Field
        label={t('signIn.code')}
        value={code}
        onChangeText={setCode}
        autoCapitalize="characters"
        autoCorrect={false}
        spellCheck={false}
        autoComplete="one-time-code"
        onSubmitEditing={() => void submit()}
        error={problem}
      />
      <Button label={t('signIn.submit')} onPress={() => void submit()} busy={busy} disabled={!code.trim()} />
    </Screen>
  );
}
