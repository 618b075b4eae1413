import { Image, StyleSheet, Text, View } from 'react-native';
import type { Me, ScanSession } from '../api/types';
import { retakesOf } from '../capture/retakes';
import { apiBaseUrl } from '../config';
import { formatDate, useLanguage } from '../i18n';
import type { MessageKey } from '../i18n/en';
import type { QueueStatus } from '../queue/uploadQueue';
import { Button, Card, Notice, Screen, colors, text } from '../ui/kit';


/**
 * The timeline: where the treatment stands (aligner x of y, next scan due), what waits on this phone, and every scan
 * with its photos, its outcome, what to retake and the orthodontist's feedback.
 */
export function HomeScreen({ me, scans, queue, unread, notice, onScan, onRetake, onMessages, onSettings, onRetry }: {
  me: Me; scans: ScanSession[]; queue: QueueStatus; unread: number; notice: string | null;
  onScan: () => void; onRetake: (session: ScanSession) => void; onMessages: () => void; onSettings: () => void; onRetry: () => void;
}) {
  const { t, language } = useLanguage();
  const today = localDate(new Date());
  const reason = (code: string) => t(knownReasons.has(code) ? (`reason.${code}` as MessageKey) : 'reason.other');

  return (
    <Screen title={t('home.hello', { name: me.firstName })}>
      <Card testID="treatment">
        <Text style={text.big}>{t('home.stage', { current: me.currentStage, total: me.totalStages })}</Text>
        <Text style={text.muted}>{me.practiceName}{me.doctorName ? ` · ${me.doctorName}` : ''}</Text>
        <Text style={[text.body, me.nextScanDue < today && { color: colors.warn }]} testID="next-due">
          {t(me.nextScanDue < today ? 'home.overdue' : 'home.nextDue', { date: formatDate(language, me.nextScanDue) })}
        </Text>
      </Card>

      {notice ? <Notice kind="ok" testID="home-notice">{notice}</Notice> : null}
      <QueueLine queue={queue} onRetry={onRetry} />

      <Button label={t('home.startScan')} onPress={onScan} testID="start-scan" />
      <View style={styles.row}>
        <View style={styles.flex}>
          <Button kind="secondary" label={unread > 0 ? `${t('home.messages')} (${t('home.unread', { count: unread })})` : t('home.messages')} onPress={onMessages} testID="open-messages" />
        </View>
        <View style={styles.flex}>
          <Button kind="secondary" label={t('home.settings')} onPress={onSettings} />
        </View>
      </View>

      <Text style={[text.big, styles.section]} accessibilityRole="header">{t('home.timeline')}</Text>
      {scans.length === 0 ? <Text style={text.muted}>{t('home.noScans')}</Text> : null}
      {scans.map((session) => {
        const retakes = retakesOf(session);
        return (
          <Card key={session.id} testID="scan">
            <View style={styles.row}>
              <Text style={text.strong}>{formatDate(language, session.createdAt)}</Text>
              <Text style={text.muted}>{t('home.aligner', { number: session.alignerNumber })}</Text>
            </View>
            <Text style={[text.body, session.status === 'needs_retake' && { color: colors.warn }]} testID="scan-status">
              {t(`status.${session.status}`)}
            </Text>
            <View style={styles.thumbs}>
              {session.images.filter((i) => i.urls).map((i) => (
                <Image key={i.id} source={{ uri: apiBaseUrl + i.urls!.thumbnail }} style={styles.thumb} accessibilityLabel={t(`view.${i.imageType}`)} />
              ))}
            </View>
            {retakes.map((r) => (
              <Text key={r.view} style={[text.body, { color: colors.warn }]}>
                {t('home.retakeWhy', { view: t(`view.${r.view}`), reasons: r.reasons.map(reason).join(', ') })}
              </Text>
            ))}
            {retakes.length > 0 ? <Button label={t('home.retake', { count: retakes.length })} onPress={() => onRetake(session)} testID="retake" /> : null}
            {session.patientFeedback ? (
              <View style={styles.feedback} testID="feedback">
                <Text style={text.strong}>{t('home.feedback')}</Text>
                <Text style={text.body}>{session.patientFeedback}</Text>
              </View>
            ) : null}
          </Card>
        );
      })}
    </Screen>
  );
}

/** The server's retake codes the app words itself; any other (a rejected file) reads "could not be used". */
const knownReasons = new Set(['blurry', 'underexposed', 'overexposed', 'too_small', 'duplicate_view', 'poor_quality']);

/** The phone's calendar day as the API writes dates (the next scan is due on the patient's own day, not UTC's). */
function localDate(now: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

/** "2 photos waiting for a connection": what is saved on the phone and not yet sent. */
export function QueueLine({ queue, onRetry }: { queue: QueueStatus; onRetry: () => void }) {
  const { t } = useLanguage();
  if (queue.scans === 0) return null;
  if (queue.problem) {
    return (
      <View style={styles.queue}>
        <Notice kind="warn" testID="queue-status">{t('queue.problem', { problem: queue.problem })}</Notice>
        <Button kind="secondary" label={t('app.retry')} onPress={onRetry} />
      </View>
    );
  }
  const line = queue.offline ? t('queue.waiting', { count: queue.photosWaiting }) : queue.photosWaiting > 0 ? t('queue.sending', { count: queue.photosWaiting }) : t('queue.saved');
  return <Notice kind={queue.offline ? 'warn' : 'info'} testID="queue-status">{line}</Notice>;
}

const styles = StyleSheet.create({
  row: { flexDirection: 'row', gap: 12, justifyContent: 'space-between', alignItems: 'center' },
  flex: { flex: 1 },
  section: { marginTop: 8 },
  thumbs: { flexDirection: 'row', flexWrap: 'wrap', gap: 6 },
  thumb: { width: 56, height: 56, borderRadius: 8, backgroundColor: colors.line },
  feedback: { backgroundColor: colors.okBg, borderRadius: 12, padding: 12, gap: 4 },
  queue: { gap: 8 },
});
