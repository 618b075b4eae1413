import { useState } from 'react';
import { Text } from 'react-native';
import type { Language } from '../api/types';
import { languageNames, languages, useLanguage } from '../i18n';
import { Button, Card, Screen, text } from '../ui/kit';

/** The language (the phone's, or one chosen), how reminders arrive, and signing this phone out. */
export function SettingsScreen({ override, pushRegistered, onLanguage, onSignOut, onBack }: {
  override: Language | null; pushRegistered: boolean; onLanguage: (language: Language | null) => void; onSignOut: () => Promise<void>; onBack: () => void;
}) {
  const { t } = useLanguage();
  const [signingOut, setSigningOut] = useState(false);
  return (
    <Screen title={t('settings.title')} onBack={onBack} backLabel={t('app.back')}>
      <Card>
        <Text style={text.strong} accessibilityRole="header">{t('settings.language')}</Text>
        <Button kind={override === null ? 'primary' : 'secondary'} label={t('settings.automatic')} onPress={() => onLanguage(null)} />
        {languages.map((language) => (
          <Button key={language} kind={override === language ? 'primary' : 'secondary'} label={languageNames[language]} onPress={() => onLanguage(language)} />
        ))}
      </Card>
      <Card>
        <Text style={text.strong} accessibilityRole="header">{t('settings.notifications')}</Text>
        <Text style={text.body}>{pushRegistered ? t('settings.pushOn') : t('settings.pushLocal')}</Text>
      </Card>
      <Card>
        <Text style={text.body}>{t('settings.signOutLead')}</Text>
        <Button
          kind="secondary"
          label={t('settings.signOut')}
          busy={signingOut}
          onPress={() => {
            setSigningOut(true);
            void onSignOut().finally(() => setSigningOut(false));
          }}
        />
      </Card>
    </Screen>
  );
}
