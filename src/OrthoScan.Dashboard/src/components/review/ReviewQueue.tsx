'use client';

import Link from 'next/link';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { flushSync } from 'react-dom';
import { asApiError, type ApiError } from '@/api/errors';
import { reviewApi, type FeedItem, type ReviewAction, type ScanSession, type Taxonomy } from '@/api/review';
import { Icon } from '@/components/icons';
import { Button, ButtonLink, EmptyState, ErrorState, KeyHint, Skeleton } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { isTypingTarget } from '@/lib/hooks';
import { PhotoGrid, PhotoGridSkeleton } from './PhotoGrid';
import { PhotoViewer } from './PhotoViewer';
import { ShortcutsOverlay } from './ShortcutsOverlay';
import { focusAttribute, focusedAttribute, TagPanel } from './TagPanel';
import {
  checkForm,
  firstOpenScore,
  initialForm,
  scoreForKey,
  toBody,
  type AiHints,
  type FormProblems,
  type TagFormState,
} from './tagForm';
import { sortViews } from './views';

const PAGE_SIZE = 50;
/** Signed photo links live 10 minutes; a cached session older than this is fetched again. */
const URL_MARGIN_MS = 60_000;

interface Cached {
  promise: Promise<ScanSession>;
  value?: ScanSession;
}

interface Current {
  id: string;
  session: ScanSession | null;
  error: ApiError | null;
  form: TagFormState | null;
  hints: AiHints;
  openedAt: string;
  serverError: ApiError | null;
}

interface Toast {
  id: number;
  text: string;
  tone: 'done' | 'problem';
  reopen?: () => void;
}

interface Restored {
  form: TagFormState;
  hints: AiHints;
  error: ApiError;
}

const noHints: AiHints = { scores: {}, details: {} };

function stillValid(session: ScanSession): boolean {
  const soonest = Math.min(...session.images.map((i) => (i.urls ? Date.parse(i.urls.expiresAt) : Infinity)));
  return soonest - Date.now() > URL_MARGIN_MS;
}

function ReviewSkeleton() {
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]" aria-busy="true" aria-label="Loading the review queue">
      <div className="flex flex-col gap-3">
        <Skeleton className="h-5 w-56" />
        <PhotoGridSkeleton />
      </div>
      <div className="flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4">
        {Array.from({ length: 5 }).map((_, i) => <Skeleton key={i} className="h-12" />)}
      </div>
    </div>
  );
}

export interface ReviewQueueProps {
  /** Owners and doctors tag; staff may look through the queue. */
  canTag: boolean;
  /** Load the next scan's data and photos while the doctor works on this one (off only to measure the difference). */
  prefetch?: boolean;
}

/**
 * Batch review: the oldest waiting scan, one per screen, photos left and the tag panel right; Enter tags it and the
 * next one is already there (its data and photos were fetched in the background). Keyboard first: see the ? list.
 */
export function ReviewQueue({ canTag, prefetch = true }: ReviewQueueProps) {
  const [taxonomy, setTaxonomy] = useState<Taxonomy | null>(null);
  const [queue, setQueue] = useState<FeedItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [feedState, setFeedState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [feedError, setFeedError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [index, setIndex] = useState(0);
  const [current, setCurrent] = useState<Current | null>(null);
  const [problems, setProblems] = useState<FormProblems['fields']>({});
  const [viewer, setViewer] = useState<number | null>(null);
  const [overlay, setOverlay] = useState(false);
  const [toast, setToast] = useState<Toast | null>(null);
  const [overdue, setOverdue] = useState<number | null>(null);
  const [focusTick, setFocusTick] = useState(0);

  const cache = useRef(new Map<string, Cached>());
  const preloaded = useRef(new Map<string, HTMLImageElement[]>());
  const restored = useRef(new Map<string, Restored>());
  const toastId = useRef(0);

  // ---- data ---------------------------------------------------------------------------------------------------

  const loadSession = useCallback((id: string): Cached => {
    const hit = cache.current.get(id);
    if (hit && (!hit.value || stillValid(hit.value))) return hit;
    const entry: Cached = { promise: reviewApi.session(id) };
    entry.promise.then((value) => { entry.value = value; }, () => cache.current.delete(id));
    cache.current.set(id, entry);
    return entry;
  }, []);

  const preloadPhotos = useCallback((session: ScanSession) => {
    if (preloaded.current.has(session.id)) return;
    // Kept referenced until used, so the browser holds the decoded photos.
    const load = (url: string, retries: number): HTMLImageElement => {
      const img = new Image();
      img.decoding = 'async';
      // A failed download is not cached: ask again for the same URL, which is the one the montage will use.
      if (retries > 0) img.onerror = () => setTimeout(() => load(url, retries - 1), 100);
      img.src = url;
      img.decode?.().catch(() => undefined);
      return img;
    };
    preloaded.current.set(session.id, session.images.flatMap((image) => (image.urls ? [load(image.urls.display, 3)] : [])));
  }, []);

  const loadFeed = useCallback(async (after: string | null, signal?: AbortSignal) => {
    const page = await reviewApi.feed(after, PAGE_SIZE, signal);
    return page;
  }, []);

  useEffect(() => {
    const controller = new AbortController();
    setFeedState('loading');
    Promise.all([reviewApi.taxonomy(controller.signal), loadFeed(null, controller.signal)]).then(
      ([tax, page]) => {
        if (controller.signal.aborted) return;
        setTaxonomy(tax);
        setQueue(page.items);
        setCursor(page.nextCursor);
        setIndex(0);
        setFeedState('ready');
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setFeedError(asApiError(e));
        setFeedState('error');
      },
    );
    return () => controller.abort();
  }, [attempt, loadFeed]);

  const item: FeedItem | undefined = queue[index];

  /** Puts a scan on screen; synchronous when its data is already here, so the next scan appears in the same frame. */
  const show = useCallback((next: FeedItem | undefined) => {
    setViewer(null);
    setProblems({});
    if (!next) {
      setCurrent(null);
      return;
    }
    // Without prefetching nothing is kept either, so the baseline measures a cold next scan every time.
    if (!prefetch) cache.current.delete(next.sessionId);
    const entry = loadSession(next.sessionId);
    const session = entry.value ?? null;
    const back = restored.current.get(next.sessionId);
    restored.current.delete(next.sessionId);
    const init = session ? initialForm(session, taxonomy) : null;
    setCurrent({
      id: next.sessionId,
      session,
      error: null,
      form: back?.form ?? init?.form ?? null,
      hints: back?.hints ?? init?.hints ?? noHints,
      openedAt: new Date().toISOString(),
      serverError: back?.error ?? null,
    });
    setFocusTick((t) => t + 1);
  }, [loadSession, taxonomy, prefetch]);

  // The scan on screen changes with the queue position.
  const itemId = item?.sessionId;
  useLayoutEffect(() => {
    if (feedState !== 'ready' || !taxonomy) return;
    if (current?.id !== itemId) show(item);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `item` is identified by its id
  }, [itemId, feedState, taxonomy]);

  // Data not cached yet: wait for it (the skeleton shows meanwhile).
  useEffect(() => {
    if (!current || current.session || current.error) return;
    let live = true;
    const id = current.id;
    loadSession(id).promise.then(
      (session) => {
        if (!live) return;
        setCurrent((c) => {
          if (!c || c.id !== id) return c;
          const init = initialForm(session, taxonomy);
          return { ...c, session, form: c.form ?? init.form, hints: c.form ? c.hints : init.hints, openedAt: new Date().toISOString() };
        });
        setFocusTick((t) => t + 1);
      },
      (e: unknown) => {
        if (!live) return;
        setCurrent((c) => (c && c.id === id ? { ...c, error: asApiError(e) } : c));
      },
    );
    return () => { live = false; };
  }, [current, loadSession, taxonomy]);

  // While the doctor works on this scan, fetch the next one and its photos.
  const nextId = queue.length > 1 ? queue[(index + 1) % queue.length]?.sessionId : undefined;
  useEffect(() => {
    if (!prefetch || !current?.session || !nextId || nextId === current.id) return;
    const entry = loadSession(nextId);
    entry.promise.then(preloadPhotos, () => undefined);
  }, [prefetch, current?.session, current?.id, nextId, loadSession, preloadPhotos]);

  // Near the end of the loaded page, fetch the next page of the feed.
  useEffect(() => {
    if (!cursor || index < queue.length - 3) return;
    const controller = new AbortController();
    loadFeed(cursor, controller.signal).then((page) => {
      setQueue((q) => [...q, ...page.items.filter((i) => !q.some((x) => x.sessionId === i.sessionId))]);
      setCursor(page.nextCursor);
    }, () => undefined);
    return () => controller.abort();
  }, [cursor, index, queue.length, loadFeed]);

  // The empty state says what to do next: how many patients are overdue for a scan.
  const empty = feedState === 'ready' && queue.length === 0;
  useEffect(() => {
    if (!empty) return;
    const controller = new AbortController();
    reviewApi.overdue(controller.signal).then((r) => setOverdue(r.items.length), () => setOverdue(null));
    return () => controller.abort();
  }, [empty]);

  // Focus is always somewhere useful: the first undecided score, else the action.
  useEffect(() => {
    if (!current?.form || viewer !== null || overlay) return;
    const open = firstOpenScore(current.form);
    focusAttribute(current.serverError ? 'action' : open ?? 'action');
    // eslint-disable-next-line react-hooks/exhaustive-deps -- only when a scan is (re)shown
  }, [focusTick]);

  // ---- actions ------------------------------------------------------------------------------------------------

  const say = useCallback((t: Omit<Toast, 'id'>) => setToast({ ...t, id: ++toastId.current }), []);

  useEffect(() => {
    if (!toast || toast.reopen) return;
    const timer = setTimeout(() => setToast((t) => (t?.id === toast.id ? null : t)), 6000);
    return () => clearTimeout(timer);
  }, [toast]);

  const skip = useCallback(() => {
    if (queue.length === 0) return;
    if (queue.length === 1) {
      say({ text: 'This is the only scan waiting.', tone: 'done' });
      return;
    }
    if (index + 1 >= queue.length && !cursor) say({ text: 'Back to the oldest scan you skipped.', tone: 'done' });
    setIndex((i) => (i + 1 >= queue.length ? 0 : i + 1));
  }, [queue.length, index, cursor, say]);

  const setForm = useCallback((form: TagFormState) => {
    setCurrent((c) => (c ? { ...c, form } : c));
    setProblems({});
  }, []);

  const submit = useCallback(() => {
    if (!canTag || !current?.form || !current.session || !taxonomy || !item) return;
    const check = checkForm(current.form, taxonomy);
    if (check.first) {
      setProblems(check.fields);
      if (check.first === 'holdDays') document.getElementById('hold-days')?.focus();
      else if (check.first === 'notes') document.getElementById('review-notes')?.focus();
      else focusAttribute(check.first);
      return;
    }
    const body = toBody(current.form, taxonomy.version, current.openedAt);
    const taken = item;
    const snapshot = { form: current.form, hints: current.hints };
    const name = taken.patientName;
    // Optimistic: the next scan shows now; a failure brings this one back with the doctor's choices.
    setQueue((q) => q.filter((x) => x.sessionId !== taken.sessionId));
    setIndex((i) => (i >= queue.length - 1 ? 0 : i));
    cache.current.delete(taken.sessionId);
    preloaded.current.delete(taken.sessionId);
    reviewApi.tag(taken.sessionId, body).then(
      (result) => say({ text: `Tagged ${name}. The patient will read: “${result.patientFeedback}”`, tone: 'done' }),
      (e: unknown) => {
        const error = asApiError(e);
        if (error.status === 409 || error.status === 404) {
          say({ text: `${name}: ${error.title}`, tone: 'done' });
          return;
        }
        say({
          text: `Could not tag ${name}: ${error.title}`,
          tone: 'problem',
          reopen: () => {
            restored.current.set(taken.sessionId, { ...snapshot, error });
            setQueue((q) => [taken, ...q.filter((x) => x.sessionId !== taken.sessionId)]);
            setIndex(0);
            setToast(null);
          },
        });
      },
    );
  }, [canTag, current, taxonomy, item, queue.length, say]);

  // ---- keyboard -----------------------------------------------------------------------------------------------

  const live = useRef({ current, submit, skip, setForm, viewer, overlay, taxonomy });
  live.current = { current, submit, skip, setForm, viewer, overlay, taxonomy };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const { current: cur, submit: doSubmit, skip: doSkip, setForm: set, viewer: viewerOpen, overlay: overlayOpen, taxonomy: tax } = live.current;
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || viewerOpen !== null) return;
      const typing = isTypingTarget(e.target);
      const consume = () => {
        e.preventDefault();
        e.stopPropagation();
      };
      if (e.key === '?' && !typing) {
        consume();
        setOverlay((o) => !o);
        return;
      }
      if (overlayOpen) {
        if (e.key === 'Escape') {
          consume();
          setOverlay(false);
        }
        return;
      }
      if (typing) return;
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      if (key === 'n') {
        consume();
        doSkip();
        return;
      }
      const form = cur?.form;
      if (!form || !cur?.session || !tax) return;
      const attributes = Object.keys(form.scores);
      const target = e.target as HTMLElement;

      if (key === 'Enter') {
        const photo = target.closest?.<HTMLElement>('[data-photo]');
        if (photo) {
          consume();
          setViewer(Number(photo.dataset.photo));
          return;
        }
        if ((target.tagName === 'BUTTON' && !target.closest('[data-attr]')) || target.tagName === 'A') return;
        consume();
        doSubmit();
        return;
      }
      if (key === 'f') {
        consume();
        const photo = target.closest?.<HTMLElement>('[data-photo]');
        setViewer(photo ? Number(photo.dataset.photo) : 0);
        return;
      }
      if (key === 't') {
        consume();
        focusAttribute(attributes[0]);
        return;
      }
      if (key === 'd') {
        consume();
        focusAttribute('details');
        return;
      }
      if (/^\d$/.test(key)) {
        const focused = focusedAttribute();
        const attr = focused && attributes.includes(focused) ? focused : firstOpenScore(form);
        // A digit of the score's range, 0 for not applicable where the taxonomy allows it.
        const value = attr ? scoreForKey(tax, attr, key) : undefined;
        if (!attr || value === undefined) return;
        consume();
        // Rendered and focused before the next key arrives, however fast the doctor types.
        flushSync(() => set({ ...form, scores: { ...form.scores, [attr]: value } }));
        focusAttribute(attributes[attributes.indexOf(attr) + 1] ?? 'action');
        return;
      }
      const actionKeys: Record<string, ReviewAction> = { a: 'approve_progression', h: 'hold_aligner', m: 'message', s: 'schedule_appointment' };
      const action = actionKeys[key];
      if (action) {
        consume();
        flushSync(() => set({ ...form, action }));
        if (action === 'hold_aligner') {
          const days = document.getElementById('hold-days') as HTMLInputElement | null;
          days?.focus();
          days?.select();
        } else if (action === 'message') document.getElementById('review-notes')?.focus();
        else focusAttribute('action');
      }
    };
    // Capture: runs before the shell's global shortcuts, which then see the key as handled.
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, []);

  // ---- render -------------------------------------------------------------------------------------------------

  const waiting = queue.length;
  // A one-line header: the photos and the panel must fit on a laptop screen without scrolling.
  const header = (
    <div className="-mt-2 mb-4 flex flex-wrap items-center justify-between gap-2">
      <h1 className="text-xl font-semibold text-slate-900">
        Review queue
        <span className="ml-3 text-sm font-normal text-slate-600">
          {feedState === 'ready' && waiting > 0 ? (
            <span data-testid="queue-count" aria-live="polite">
              <span className="tabular-nums">{waiting}{cursor ? '+' : ''}</span> {waiting === 1 && !cursor ? 'scan' : 'scans'} waiting, oldest first
            </span>
          ) : 'Scans waiting for review, oldest first.'}
        </span>
      </h1>
      <Button variant="ghost" onClick={() => setOverlay(true)} keyHint="?">Shortcuts</Button>
    </div>
  );

  let body;
  if (feedState === 'loading') body = <ReviewSkeleton />;
  else if (feedState === 'error' && feedError) body = <ErrorState error={feedError} onRetry={() => setAttempt((a) => a + 1)} />;
  else if (empty) {
    body = (
      <EmptyState
        icon="check"
        title="No scans waiting"
        action={<>
          <ButtonLink href="/compliance/" variant="secondary">Open compliance</ButtonLink>
          <Button variant="ghost" onClick={() => setAttempt((a) => a + 1)}>Check again</Button>
        </>}
      >
        You are all caught up.{' '}
        {overdue === null ? 'Compliance shows who is due for a scan.' : overdue === 0 ? 'Compliance shows no patient overdue for a scan.'
          : `Compliance shows ${overdue} ${overdue === 1 ? 'patient' : 'patients'} overdue for a scan.`}
      </EmptyState>
    );
  } else if (item && current) {
    const session = current.session;
    const images = session ? sortViews(session.images) : [];
    body = (
      <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <section className="flex min-w-0 flex-col gap-3" aria-labelledby="scan-title">
          <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
            <h2 id="scan-title" className="text-base font-semibold text-slate-900">
              <Link href={`/patients/view/?id=${encodeURIComponent(item.patientId)}`} className="hover:text-accent-800 hover:underline">{item.patientName}</Link>
              <span className="ml-2 text-sm font-normal text-slate-600">
                aligner <span className="tabular-nums">{item.alignerNumber}</span> · stage <span className="tabular-nums">{item.currentStage} of {item.totalStages}</span>
              </span>
            </h2>
            <p className="text-xs text-slate-500">
              Sent {formatDateTime(item.submittedAt)}
              {session?.previous ? <> · previous scan aligner {session.previous.alignerNumber}</> : <> · first scan</>}
            </p>
          </div>
          {current.error ? (
            <ErrorState error={current.error} onRetry={() => { cache.current.delete(current.id); show(item); }} />
          ) : session ? (
            <PhotoGrid sessionId={session.id} images={images} alignerNumber={session.alignerNumber} onOpen={setViewer} />
          ) : (
            <PhotoGridSkeleton />
          )}
          <p className="text-xs text-slate-500">
            Click a photo or press <KeyHint>F</KeyHint> to zoom, compare with the previous scan with <KeyHint>C</KeyHint>.
          </p>
        </section>
        <aside className="self-start rounded-lg border border-slate-200 bg-white p-4 lg:sticky lg:top-16" aria-label="Tag this scan">
          {taxonomy && current.form ? (
            <TagPanel
              taxonomy={taxonomy}
              form={current.form}
              hints={current.hints}
              problems={problems}
              serverError={current.serverError}
              canTag={canTag}
              onChange={setForm}
              onSubmit={submit}
              onSkip={skip}
              onLeaveField={() => focusAttribute('action')}
            />
          ) : current.error ? (
            <div className="flex flex-col gap-3">
              <p className="text-sm text-slate-600">This scan could not be opened.</p>
              <Button variant="secondary" onClick={skip} keyHint="N">Next scan</Button>
            </div>
          ) : (
            <div className="flex flex-col gap-4" aria-hidden="true">
              {Array.from({ length: 5 }).map((_, i) => <Skeleton key={i} className="h-12" />)}
            </div>
          )}
        </aside>
        {viewer !== null && session && (
          <PhotoViewer
            images={images}
            previous={session.previous}
            alignerNumber={session.alignerNumber}
            startIndex={viewer}
            onClose={() => setViewer(null)}
          />
        )}
      </div>
    );
  } else body = <ReviewSkeleton />;

  return (
    <>
      {header}
      {body}
      <div className="pointer-events-none fixed inset-x-0 bottom-4 z-40 flex justify-center px-4">
        {toast && (
          <div
            key={toast.id}
            role={toast.tone === 'problem' ? 'alert' : 'status'}
            data-testid="review-toast"
            className={`pointer-events-auto flex max-w-xl items-center gap-3 rounded-md px-4 py-2.5 text-sm shadow-lg ${toast.tone === 'problem' ? 'bg-red-700 text-white' : 'bg-slate-900 text-white'}`}
          >
            <Icon name={toast.tone === 'problem' ? 'alert' : 'check'} width={16} height={16} className="shrink-0" />
            <span>{toast.text}</span>
            {toast.reopen && <button type="button" className="font-semibold underline" onClick={toast.reopen}>Reopen</button>}
            <button type="button" className="ml-1 opacity-70 hover:opacity-100" onClick={() => setToast(null)} aria-label="Dismiss">
              <Icon name="close" width={14} height={14} />
            </button>
          </div>
        )}
      </div>
      {overlay && <ShortcutsOverlay onClose={() => setOverlay(false)} />}
    </>
  );
}
