import type { ReactNode } from 'react';
import { ActivityIndicator, Pressable, ScrollView, StyleSheet, Text, TextInput, View, type TextInputProps } from 'react-native';

export const colors = {
  brand: '#0f766e',
  brandDark: '#115e59',
  ink: '#0f172a',
  muted: '#475569',
  line: '#cbd5e1',
  surface: '#ffffff',
  background: '#f1f5f9',
  warn: '#9a3412',
  warnBg: '#ffedd5',
  ok: '#166534',
  okBg: '#dcfce7',
};

export function Screen({ title, children, onBack, backLabel }: { title: string; children: ReactNode; onBack?: () => void; backLabel?: string }) {
  return (
    <ScrollView style={styles.screen} contentContainerStyle={styles.content} keyboardShouldPersistTaps="handled">
      {onBack ? <Button label={backLabel ?? '←'} kind="link" onPress={onBack} /> : null}
      <Text style={styles.title} accessibilityRole="header">
        {title}
      </Text>
      {children}
    </ScrollView>
  );
}

export function Button({ label, onPress, kind = 'primary', disabled, busy, testID }: {
  label: string; onPress: () => void; kind?: 'primary' | 'secondary' | 'link'; disabled?: boolean; busy?: boolean; testID?: string;
}) {
  return (
    <Pressable
      accessibilityRole="button"
      accessibilityLabel={label}
      accessibilityState={{ disabled: !!(disabled || busy), busy: !!busy }}
      disabled={disabled || busy}
      onPress={onPress}
      testID={testID}
      style={({ pressed }) => [styles.button, styles[kind], (disabled || busy) && styles.disabled, pressed && styles.pressed]}
    >
      {busy ? <ActivityIndicator color={kind === 'primary' ? '#fff' : colors.brand} /> : null}
      <Text style={[styles.buttonText, kind !== 'primary' && styles.buttonTextAlt]}>{label}</Text>
    </Pressable>
  );
}

export function Field({ label, error, ...input }: TextInputProps & { label: string; error?: string | null }) {
  return (
    <View style={styles.field}>
      <Text style={styles.label}>{label}</Text>
      <TextInput accessibilityLabel={label} style={[styles.input, error ? styles.inputError : null]} placeholderTextColor={colors.muted} {...input} />
      {error ? <Notice kind="warn">{error}</Notice> : null}
    </View>
  );
}

export function Notice({ kind = 'info', children, testID }: { kind?: 'info' | 'warn' | 'ok'; children: ReactNode; testID?: string }) {
  return (
    <View style={[styles.notice, kind === 'warn' && styles.noticeWarn, kind === 'ok' && styles.noticeOk]} accessibilityRole="alert" testID={testID}>
      <Text style={[styles.noticeText, kind === 'warn' && { color: colors.warn }, kind === 'ok' && { color: colors.ok }]}>{children}</Text>
    </View>
  );
}

export function Card({ children, testID }: { children: ReactNode; testID?: string }) {
  return (
    <View style={styles.card} testID={testID}>
      {children}
    </View>
  );
}

export const text = StyleSheet.create({
  body: { fontSize: 17, color: colors.ink, lineHeight: 24 },
  muted: { fontSize: 15, color: colors.muted, lineHeight: 21 },
  strong: { fontSize: 17, color: colors.ink, fontWeight: '600' },
  big: { fontSize: 22, color: colors.ink, fontWeight: '700' },
});

const styles = StyleSheet.create({
  screen: { flex: 1, backgroundColor: colors.background },
  content: { padding: 20, gap: 14, maxWidth: 560, width: '100%', alignSelf: 'center' },
  title: { fontSize: 28, fontWeight: '700', color: colors.ink },
  button: { minHeight: 56, borderRadius: 14, paddingHorizontal: 20, alignItems: 'center', justifyContent: 'center', flexDirection: 'row', gap: 8 },
  primary: { backgroundColor: colors.brand },
  secondary: { backgroundColor: colors.surface, borderWidth: 2, borderColor: colors.brand },
  link: { minHeight: 44, alignSelf: 'flex-start', paddingHorizontal: 0 },
  disabled: { opacity: 0.5 },
  pressed: { opacity: 0.8 },
  buttonText: { color: '#fff', fontSize: 18, fontWeight: '600' },
  buttonTextAlt: { color: colors.brandDark },
  field: { gap: 6 },
  label: { fontSize: 16, fontWeight: '600', color: colors.ink },
  input: { minHeight: 56, borderWidth: 2, borderColor: colors.line, borderRadius: 12, paddingHorizontal: 14, fontSize: 20, backgroundColor: colors.surface, color: colors.ink },
  inputError: { borderColor: colors.warn },
  notice: { borderRadius: 12, padding: 12, backgroundColor: '#e0f2fe' },
  noticeWarn: { backgroundColor: colors.warnBg },
  noticeOk: { backgroundColor: colors.okBg },
  noticeText: { fontSize: 16, color: '#075985', lineHeight: 22 },
  card: { backgroundColor: colors.surface, borderRadius: 16, padding: 16, gap: 8, borderWidth: 1, borderColor: colors.line },
});
