import { CameraView, useCameraPermissions } from 'expo-camera';
import { useReducer, useRef, useState } from 'react';
import { Image, StyleSheet, Text, View } from 'react-native';
import type { ImageType } from '../api/types';
import { capture, progress, startCapture, type Photo } from '../capture/machine';
import { checkPhoto } from '../capture/checkPhoto';
import { useLanguage } from '../i18n';
import { Button, Card, Field, Notice, Screen, colors, text } from '../ui/kit';

/**
 * The guided capture: the aligner number, then each view with its outline and one instruction, the on-device check and
 * keep-or-retake, then a summary where any photo can be taken again before sending. Nothing leaves this screen until
 * the patient sends; then the queue owns the photos.
 */
export function CaptureScreen({ views, alignerNumber, onSend, onCancel }: {
  views: readonly ImageType[]; alignerNumber: number | null; onSend: (photos: Partial<Record<ImageType, Photo>>, alignerNumber: number) => Promise<void>; onCancel: () => void;
}) {
  const { t } = useLanguage();
  const [state, dispatch] = useReducer(capture, startCapture(views, alignerNumber));
  const [permission, requestPermission] = useCameraPermissions();
  const camera = useRef<CameraView>(null);
  const [aligner, setAligner] = useState('');
  const [alignerProblem, setAlignerProblem] = useState<string | null>(null);
  const [taking, setTaking] = useState(false);
  const [cameraProblem, setCameraProblem] = useState<string | null>(null);
  const [cameraReady, setCameraReady] = useState(false);
  const [sending, setSending] = useState(false);
  const { current, total } = progress(state);
  const view = state.views[state.index];

  if (state.phase === 'aligner') {
    const submit = () => {
      const number = Number(aligner);
      if (!Number.isInteger(number) || number < 1 || number > 200) setAlignerProblem(t('capture.alignerInvalid'));
      else dispatch({ type: 'aligner', number });
    };
    return (
      <Screen title={t('capture.alignerTitle')} onBack={onCancel} backLabel={t('capture.cancel')}>
        <Field label={t('capture.alignerLabel')} value={aligner} onChangeText={(v) => setAligner(v.replace(/\D/g, '').slice(0, 3))} keyboardType="number-pad" autoFocus onSubmitEditing={submit} error={alignerProblem} />
        <Button label={t('capture.continue')} onPress={submit} disabled={!aligner} />
      </Screen>
    );
  }

  if (state.phase === 'done') {
    const send = async () => {
      setSending(true);
      try {
        await onSend(state.kept, state.alignerNumber ?? 0);
      } finally {
        setSending(false);
      }
    };
    return (
      <Screen title={t('capture.send')} onBack={onCancel} backLabel={t('capture.cancel')}>
        <Notice kind="ok">{t('capture.summary', { total })}</Notice>
        {state.views.map((v) => (
          <Card key={v} testID={`summary-${v}`}>
            <Text style={text.strong}>{t(`view.${v}`)}</Text>
            <Image source={{ uri: `data:image/jpeg;base64,${state.kept[v]?.base64}` }} style={styles.thumb} accessibilityLabel={t(`view.${v}`)} />
            <Button kind="link" label={`${t('capture.redo')}: ${t(`view.${v}`)}`} onPress={() => dispatch({ type: 'redo', view: v })} />
          </Card>
        ))}
        <Button label={t('capture.send')} onPress={() => void send()} busy={sending} testID="send-scan" />
      </Screen>
    );
  }

  const header = (
    <View style={styles.header}>
      <Text style={styles.progress} accessibilityLabel={t('capture.progress', { current, total })} testID="capture-progress">
        {t('capture.progress', { current, total })}
      </Text>
      <Text style={styles.viewName}>{t(`view.${view}`)}</Text>
      <Text style={styles.hint}>{t(`hint.${view}`)}</Text>
    </View>
  );

  if (!permission?.granted) {
    return (
      <Screen title={t(`view.${view}`)} onBack={onCancel} backLabel={t('capture.cancel')}>
        <Text style={text.body}>{t('capture.cameraNeeded')}</Text>
        <Button label={t('capture.allowCamera')} onPress={() => void requestPermission()} />
      </Screen>
    );
  }

  const take = async () => {
    setTaking(true);
    setCameraProblem(null);
    try {
      const picture = await takeWhenReady(camera.current);
      if (!picture?.base64) throw new Error('The camera returned no picture.');
      // The web camera answers a data URL; the phone's, the bare base64.
      const base64 = picture.base64.replace(/^data:image\/\w+;base64,/, '');
      const photo: Photo = { base64, width: picture.width, height: picture.height };
      dispatch({ type: 'shot', photo, issues: await checkPhoto(picture.uri, picture.width, picture.height) });
    } catch {
      setCameraProblem(t('capture.notReady'));
    } finally {
      setTaking(false);
    }
  };

  // The camera stays open while a shot is reviewed: reopening it for every view would cost the patient seconds.
  const shot = state.phase === 'review' ? state.shot : null;
  return (
    <View style={styles.cameraScreen}>
      {header}
      <View style={styles.cameraBox}>
        <CameraView ref={camera} style={StyleSheet.absoluteFill} facing="front" mirror={false} onCameraReady={() => setCameraReady(true)} />
        {shot ? (
          <Image source={{ uri: `data:image/jpeg;base64,${shot.photo.base64}` }} style={[StyleSheet.absoluteFill, styles.preview]} accessibilityLabel={t(`view.${view}`)} />
        ) : (
          // The outline: where the teeth go for this view.
          <View pointerEvents="none" style={[styles.outline, view.startsWith('occlusal') ? styles.outlineArch : styles.outlineSmile]} />
        )}
      </View>
      <View style={styles.actions}>
        {shot ? (
          <>
            {shot.issues.length === 0 ? (
              <Notice kind="ok" testID="check-result">{t('capture.looksGood')}</Notice>
            ) : (
              shot.issues.map((issue) => <Notice key={issue} kind="warn" testID="check-result">{t(`capture.${issue}`)}</Notice>)
            )}
            <Button label={shot.issues.length === 0 ? t('capture.keep') : t('capture.retake')} onPress={() => dispatch({ type: shot.issues.length === 0 ? 'keep' : 'retake' })} />
            <Button kind="secondary" label={shot.issues.length === 0 ? t('capture.retake') : t('capture.useAnyway')} onPress={() => dispatch({ type: shot.issues.length === 0 ? 'retake' : 'keep' })} />
          </>
        ) : (
          <>
            {cameraProblem ? <Notice kind="warn">{cameraProblem}</Notice> : null}
            <Button label={t('capture.take')} onPress={() => void take()} busy={taking} disabled={!cameraReady} testID="take-photo" />
            <Button kind="link" label={t('capture.cancel')} onPress={onCancel} />
          </>
        )}
      </View>
    </View>
  );
}

/**
 * A picture as JPEG in base64. The camera may say ready before its first full frame (the web's video element needs
 * enough data): it is asked again for up to three seconds before the patient is told to wait.
 */
async function takeWhenReady(camera: CameraView | null) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await camera?.takePictureAsync({ base64: true, quality: 0.85, exif: false, imageType: 'jpg' });
    } catch (error) {
      if (attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }
}

const styles = StyleSheet.create({
  cameraScreen: { flex: 1, backgroundColor: '#000' },
  header: { padding: 16, gap: 4, backgroundColor: colors.surface },
  progress: { fontSize: 15, fontWeight: '700', color: colors.brandDark },
  viewName: { fontSize: 24, fontWeight: '700', color: colors.ink },
  hint: { fontSize: 18, color: colors.ink },
  cameraBox: { flex: 1, minHeight: 320, alignItems: 'center', justifyContent: 'center', overflow: 'hidden' },
  outline: { borderWidth: 3, borderColor: 'rgba(255,255,255,0.9)', borderStyle: 'dashed' },
  outlineSmile: { width: '80%', aspectRatio: 2.2, borderRadius: 999 },
  outlineArch: { width: '70%', aspectRatio: 1.1, borderTopLeftRadius: 999, borderTopRightRadius: 999, borderBottomLeftRadius: 40, borderBottomRightRadius: 40 },
  actions: { padding: 16, gap: 8, backgroundColor: colors.surface },
  preview: { backgroundColor: '#000', resizeMode: 'contain' },
  thumb: { width: 120, height: 90, borderRadius: 8, backgroundColor: '#000' },
});
