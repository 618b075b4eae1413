'use client';

import { useCallback, useEffect, useLayoutEffect, useReducer, useRef } from 'react';
import { asApiError } from '@/api/errors';
import { reviewApi } from '@/api/review';
import type { ComposerPhoto } from '@/components/messages/Composer';
import { ErrorState } from '@/components/ui';
import { MessageDialog } from './MessageDialog';
import { PhotoViewer } from './PhotoViewer';
import { QueueHeader } from './QueueHeader';
import { EmptyQueue, ReviewSkeleton } from './QueueStates';
import { ReviewToast } from './ReviewToast';
import {
  initialReviewState,
  isQueueEmpty,
  itemOf,
  nextIdOf,
  reviewReducer,
  taxonomyOf,
  wantsNextPage,
} from './reviewMachine';
import { useScanCache } from './scanCache';
import { ScanPhotos } from './ScanPhotos';
import { ShortcutsOverlay } from './ShortcutsOverlay';
import { TagAside } from './TagAside';
import { focusAttribute } from './TagPanel';
import { checkForm, toBody, type TagFormState } from './tagForm';
import { useReviewKeys } from './useReviewKeys';
import { sortViews } from './views';

const PAGE_SIZE = 50;
const TOAST_MS = 6000;

const now = () => new Date().toISOString();

export interface ReviewQueueProps {
  /** Owners and doctors tag; staff may look through the queue. */
  canTag: boolean;
  /** Load the next scan's data and photos while the doctor works on this one (off only to measure the difference). */
  prefetch?: boolean;
}

/**
 * Batch review: the oldest waiting scan, one per screen, photos left and the tag panel right; Enter tags it and the
 * next one is already there (its data and photos were fetched in the background). Keyboard first: see the ? list.
 * What the screen shows is reviewMachine's state; the effects here fetch, focus and time, and report back as events.
 */
export function ReviewQueue({ canTag, prefetch = true }: ReviewQueueProps) {
  const [state, dispatch] = useReducer(reviewReducer, initialReviewState);
  const cache = useScanCache();
  const latest = useRef(state);
  latest.current = state;

  const taxonomy = taxonomyOf(state);
  const item = itemOf(state);
  const { scan, feed, toast } = state;
  const empty = isQueueEmpty(state);

  // ---- data ---------------------------------------------------------------------------------------------------

  /** The scan's data when already fetched (the fetch starts here otherwise). Without prefetching nothing is kept
   *  either, so the baseline measures a cold next scan every time. */
  const cachedSession = useCallback((id: string) => {
    if (!prefetch) cache.drop(id);
    return cache.load(id).value ?? null;
  }, [cache, prefetch]);

  useEffect(() => {
    const controller = new AbortController();
    Promise.all([reviewApi.taxonomy(controller.signal), reviewApi.feed(null, PAGE_SIZE, controller.signal)]).then(
      ([tax, page]) => !controller.signal.aborted && dispatch({ type: 'feedLoaded', taxonomy: tax, page }),
      (e: unknown) => !controller.signal.aborted && dispatch({ type: 'feedFailed', error: asApiError(e) }),
    );
    return () => controller.abort();
  }, [state.attempt]);

  // The scan on screen follows the queue position; synchronous when its data is cached, so the next scan appears
  // in the same frame.
  const itemId = item?.sessionId;
  const scanId = scan?.id;
  useLayoutEffect(() => {
    if (!taxonomy || scanId === itemId) return;
    dispatch({ type: 'scanOpened', id: itemId ?? null, session: itemId ? cachedSession(itemId) : null, openedAt: now() });
  }, [itemId, scanId, taxonomy, cachedSession]);

  // Data not cached yet: wait for it (the skeleton shows meanwhile).
  useEffect(() => {
    if (!scan || scan.session || scan.error) return;
    let live = true;
    const id = scan.id;
    cache.load(id).promise.then(
      (session) => live && dispatch({ type: 'scanLoaded', id, session, openedAt: now() }),
      (e: unknown) => live && dispatch({ type: 'scanFailed', id, error: asApiError(e) }),
    );
    return () => { live = false; };
  }, [scan, cache]);

  // While the doctor works on this scan, fetch the next one and its photos.
  const nextId = nextIdOf(state);
  const scanReady = Boolean(scan?.session);
  useEffect(() => {
    if (!prefetch || !scanReady || !nextId || nextId === scanId) return;
    cache.load(nextId).promise.then(cache.preloadPhotos, () => undefined);
  }, [prefetch, scanReady, scanId, nextId, cache]);

  // Near the end of the loaded page, fetch the next page of the feed.
  const { cursor } = state;
  const moreWanted = wantsNextPage(state);
  useEffect(() => {
    if (!moreWanted || !cursor) return;
    const controller = new AbortController();
    reviewApi.feed(cursor, PAGE_SIZE, controller.signal).then((page) => dispatch({ type: 'pageLoaded', page }), () => undefined);
    return () => controller.abort();
  }, [moreWanted, cursor]);

  // The empty state says what to do next: how many patients are overdue for a scan.
  useEffect(() => {
    if (!empty) return;
    const controller = new AbortController();
    reviewApi.overdue(controller.signal).then(
      (r) => dispatch({ type: 'overdueCounted', count: r.items.length }),
      () => dispatch({ type: 'overdueCounted', count: null }),
    );
    return () => controller.abort();
  }, [empty]);

  // Focus goes where the machine asked, once the panel is on screen.
  useEffect(() => {
    if (state.focus) focusAttribute(state.focus.attribute);
  }, [state.focus]);

  useEffect(() => {
    if (!toast || toast.reopen) return;
    const timer = setTimeout(() => dispatch({ type: 'toastExpired', id: toast.id }), TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast]);

  // ---- actions ------------------------------------------------------------------------------------------------

  const submit = useCallback(() => {
    const { scan: current } = latest.current;
    const taken = itemOf(latest.current);
    const tax = taxonomyOf(latest.current);
    if (!canTag || !current?.form || !current.session || !tax || !taken) return;
    const check = checkForm(current.form, tax);
    if (check.first) {
      dispatch({ type: 'formRefused', problems: check.fields });
      if (check.first === 'holdDays') document.getElementById('hold-days')?.focus();
      else if (check.first === 'notes') document.getElementById('review-notes')?.focus();
      else focusAttribute(check.first);
      return;
    }
    const body = toBody(current.form, tax.version, current.openedAt);
    const { form, hints } = current;
    // Optimistic: the next scan shows now; a failure offers to bring this one back with the doctor's choices.
    dispatch({ type: 'tagSent', id: taken.sessionId });
    cache.forget(taken.sessionId);
    reviewApi.tag(taken.sessionId, body).then(
      (result) => dispatch({ type: 'tagSucceeded', name: taken.patientName, patientFeedback: result.patientFeedback }),
      (e: unknown) => dispatch({ type: 'tagFailed', item: taken, form, hints, error: asApiError(e) }),
    );
  }, [canTag, cache]);

  const skip = useCallback(() => dispatch({ type: 'skipped' }), []);
  const setForm = useCallback((form: TagFormState) => dispatch({ type: 'formChanged', form }), []);
  const reopen = () => {
    const id = toast?.reopen?.item.sessionId;
    if (id) dispatch({ type: 'reopened', session: cachedSession(id), openedAt: now() });
  };
  const retryScan = () => {
    if (!scan) return;
    cache.drop(scan.id);
    dispatch({ type: 'scanOpened', id: scan.id, session: cachedSession(scan.id), openedAt: now() });
  };

  useReviewKeys(state, dispatch, submit);

  // M: a message to the scan's patient, offering this scan's photos (once its data is here; else the composer asks).
  const { composer } = state;
  const composerSession = composer && scan?.session?.patientId === composer.patientId ? scan.session : null;
  const composerPhotos: ComposerPhoto[] | undefined = composerSession
    ? sortViews(composerSession.images).flatMap((i) => (i.urls ? [{ imageId: i.id, imageType: i.imageType, url: i.urls.thumbnail }] : []))
    : undefined;

  // ---- render -------------------------------------------------------------------------------------------------

  let body;
  if (feed.status === 'loading') body = <ReviewSkeleton />;
  else if (feed.status === 'failed') body = <ErrorState error={feed.error} onRetry={() => dispatch({ type: 'feedRequested' })} />;
  else if (empty) body = <EmptyQueue overdue={state.overdue} onCheckAgain={() => dispatch({ type: 'feedRequested' })} />;
  else if (item && scan) {
    const session = scan.session;
    const images = session ? sortViews(session.images) : [];
    body = (
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <ScanPhotos
          item={item}
          scan={scan}
          images={images}
          onRetry={retryScan}
          onOpenPhoto={(photo) => dispatch({ type: 'viewerOpened', photo })}
          onMessage={() => dispatch({ type: 'composerOpened', target: { patientId: item.patientId, patientName: item.patientName } })}
        />
        <TagAside taxonomy={taxonomy} scan={scan} problems={state.problems} canTag={canTag} onChange={setForm} onSubmit={submit} onSkip={skip} />
        {state.viewer !== null && session && (
          <PhotoViewer
            images={images}
            previous={session.previous}
            alignerNumber={session.alignerNumber}
            startIndex={state.viewer}
            onClose={() => dispatch({ type: 'viewerClosed' })}
          />
        )}
      </div>
    );
  } else body = <ReviewSkeleton />;

  return (
    <>
      <QueueHeader waiting={feed.status === 'ready' ? state.queue.length : null} more={Boolean(cursor)} onShortcuts={() => dispatch({ type: 'overlayOpened' })} />
      {body}
      <ReviewToast toast={toast} onReopen={reopen} onDismiss={() => dispatch({ type: 'toastDismissed' })} />
      {state.overlay && <ShortcutsOverlay onClose={() => dispatch({ type: 'overlayClosed' })} />}
      {composer && (
        <MessageDialog
          key={composer.patientId}
          patientId={composer.patientId}
          patientName={composer.patientName}
          photos={composerPhotos}
          onSent={() => dispatch({ type: 'messageSent', name: composer.patientName })}
          onClose={() => dispatch({ type: 'composerClosed' })}
        />
      )}
    </>
  );
}
