import * as Crypto from 'expo-crypto';
import { useCallback, useEffect, useState } from 'react';
import { StyleSheet, Text, View } from 'react-native';
import { ApiError, type ApiClient } from '../api/client';
import type { Message, MessagePage, ThreadPage } from '../api/types';
import { formatDate, useLanguage } from '../i18n';
import { Button, Field, Notice, Screen, colors, text } from '../ui/kit';

/** A fallback: the live connection brings changes at once when it is up. */
const refreshEveryMs = 30_000;

/**
 * The patient's one conversation with the practice: newest at the bottom, the practice's messages marked read as they
 * are shown, and "Read" under the patient's own once the practice opened them (live, through the messages hub). Sending carries an Idempotency-Key,
 * so a retry on a bad connection never sends twice.
 */
export function MessagesScreen({ client, liveChanges, onBack, onRead }: {
  client: ApiClient; liveChanges: number; onBack: () => void; onRead: () => void;
}) {
  const { t, language } = useLanguage();
  const [messages, setMessages] = useState<Message[] | null>(null);
  const [draft, setDraft] = useState('');
  const [draftKey, setDraftKey] = useState(() => Crypto.randomUUID());
  const [problem, setProblem] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const load = useCallback(async () => {
    try {
      const threads = await client.request<ThreadPage>('/api/v1/messages/threads?limit=1');
      const thread = threads.items[0];
      if (!thread) {
        setMessages([]);
        return;
      }
      const page = await client.request<MessagePage>(`/api/v1/messages/threads/${thread.id}?limit=100`);
      const ordered = [...page.items].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      setMessages(ordered);
      const unread = ordered.filter((m) => m.senderType !== 'patient' && !m.readAt);
      for (const message of unread) await client.request(`/api/v1/messages/${message.id}/read`, { method: 'PATCH' });
      if (unread.length > 0) onRead();
      setProblem(null);
    } catch (error) {
      setProblem(error instanceof ApiError && error.offline ? t('app.offline') : t('app.error'));
    }
  }, [client, onRead, t]);

  useEffect(() => {
    void load();
  }, [load, liveChanges]);

  useEffect(() => {
    const timer = setInterval(() => void load(), refreshEveryMs);
    return () => clearInterval(timer);
  }, [load]);

  const send = async () => {
    const content = draft.trim();
    if (!content) return;
    setSending(true);
    try {
      await client.request<Message>('/api/v1/messages', { method: 'POST', headers: { 'Idempotency-Key': draftKey }, body: { content } });
      setDraft('');
      setDraftKey(Crypto.randomUUID());
      await load();
    } catch (error) {
      // The draft and its key stay: sending again is the same message, not a second one.
      setProblem(error instanceof ApiError && error.offline ? t('app.offline') : error instanceof ApiError ? error.message : t('app.error'));
    } finally {
      setSending(false);
    }
  };

  return (
    <Screen title={t('messages.title')} onBack={onBack} backLabel={t('app.back')}>
      {problem ? <Notice kind="warn">{problem}</Notice> : null}
      {messages === null ? <Text style={text.muted}>{t('app.loading')}</Text> : null}
      {messages?.length === 0 ? <Text style={text.muted}>{t('messages.empty')}</Text> : null}
      {messages?.map((m) => {
        const mine = m.senderType === 'patient';
        return (
          <View key={m.id} style={[styles.bubble, mine ? styles.mine : styles.theirs]} testID="message">
            <Text style={text.muted}>{mine ? t('messages.you') : m.senderName ?? ''} · {formatDate(language, m.createdAt)}</Text>
            <Text style={text.body}>{m.content}</Text>
            {mine ? <Text style={styles.receipt} testID="receipt">{m.readAt ? t('messages.read') : t('messages.sent')}</Text> : null}
          </View>
        );
      })}
      <Field label={t('messages.placeholder')} value={draft} onChangeText={setDraft} multiline maxLength={4000} />
      <Button label={t('messages.send')} onPress={() => void send()} busy={sending} disabled={!draft.trim()} />
    </Screen>
  );
}

const styles = StyleSheet.create({
  bubble: { borderRadius: 14, padding: 12, gap: 4, maxWidth: '90%' },
  mine: { alignSelf: 'flex-end', backgroundColor: '#ccfbf1' },
  theirs: { alignSelf: 'flex-start', backgroundColor: colors.surface, borderWidth: 1, borderColor: colors.line },
  receipt: { fontSize: 13, color: colors.muted, alignSelf: 'flex-end' },
});
