import type { ApiError } from '@/api/errors';
import type { FeedItem, FeedPage, ScanSession, Taxonomy } from '@/api/review';
import { firstOpenScore, initialForm, type AiHints, type FormProblems, type TagFormState } from './tagForm';

/*
 * The review screen as a state machine: every change of what the doctor sees is an event, and this pure reducer
 * says what the screen becomes. ReviewQueue runs the side effects (fetching, focus, timers) and reports their
 * outcome back here as events; times and cached data come in with the events, so the reducer reads no clock.
 */

/** The feed of waiting scans: loading, refused, or ready with the taxonomy the reviews are tagged against. */
export type Feed =
  | { status: 'loading' }
  | { status: 'failed'; error: ApiError }
  | { status: 'ready'; taxonomy: Taxonomy };

/** The scan on screen. */
export interface Scan {
  id: string;
  /** Null while its data is on the way (the skeleton shows meanwhile). */
  session: ScanSession | null;
  /** Its data could not be loaded. */
  error: ApiError | null;
  form: TagFormState | null;
  hints: AiHints;
  /** When the doctor first saw it complete; sent with the tags to measure review time. */
  openedAt: string;
  /** The API refused an earlier try of this review (a reopened one): its message and field errors show again. */
  serverError: ApiError | null;
}

/** A review the API refused, kept with the doctor's choices so that Reopen brings it back as it was. */
export interface Refused {
  item: FeedItem;
  form: TagFormState;
  hints: AiHints;
  error: ApiError;
}

export interface Toast {
  id: number;
  text: string;
  tone: 'done' | 'problem';
  reopen?: Refused;
}

/** Who the message composer (M) writes to: the patient of the scan it was opened on. */
export interface ComposerTarget {
  patientId: string;
  patientName: string;
}

/** Where the focus goes once the screen shows it (a new object for every request). */
export interface FocusRequest {
  attribute: string;
}

export interface ReviewState {
  feed: Feed;
  /** Bumped to load the feed again (Retry, Check again). */
  attempt: number;
  queue: FeedItem[];
  cursor: string | null;
  index: number;
  scan: Scan | null;
  problems: FormProblems['fields'];
  /** The photo open in the full-screen viewer. */
  viewer: number | null;
  /** The shortcuts list. */
  overlay: boolean;
  /** The message composer dialog, open over the scan; the review keys rest while it is. */
  composer: ComposerTarget | null;
  toast: Toast | null;
  toastsShown: number;
  /** Patients overdue for a scan, for the empty queue's hint; null when unknown. */
  overdue: number | null;
  focus: FocusRequest | null;
}

export type ReviewEvent =
  | { type: 'feedRequested' }
  | { type: 'feedLoaded'; taxonomy: Taxonomy; page: FeedPage }
  | { type: 'feedFailed'; error: ApiError }
  | { type: 'pageLoaded'; page: FeedPage }
  /** The queue position changed: `session` is the scan's data when it was already fetched. */
  | { type: 'scanOpened'; id: string | null; session: ScanSession | null; openedAt: string }
  | { type: 'scanLoaded'; id: string; session: ScanSession; openedAt: string }
  | { type: 'scanFailed'; id: string; error: ApiError }
  | { type: 'formChanged'; form: TagFormState }
  | { type: 'formRefused'; problems: FormProblems['fields'] }
  /** Optimistic: the scan leaves the queue as the tags are sent. */
  | { type: 'tagSent'; id: string }
  | { type: 'tagSucceeded'; name: string; patientFeedback: string }
  | { type: 'tagFailed'; item: FeedItem; form: TagFormState; hints: AiHints; error: ApiError }
  | { type: 'reopened'; session: ScanSession | null; openedAt: string }
  | { type: 'skipped' }
  | { type: 'viewerOpened'; photo: number }
  | { type: 'viewerClosed' }
  | { type: 'overlayToggled' }
  | { type: 'overlayOpened' }
  | { type: 'overlayClosed' }
  | { type: 'composerOpened'; target: ComposerTarget }
  | { type: 'composerClosed' }
  /** The composer's message was sent: it closes, and a quiet word says so. */
  | { type: 'messageSent'; name: string }
  | { type: 'toastExpired'; id: number }
  | { type: 'toastDismissed' }
  | { type: 'overdueCounted'; count: number | null };

export const initialReviewState: ReviewState = {
  feed: { status: 'loading' },
  attempt: 0,
  queue: [],
  cursor: null,
  index: 0,
  scan: null,
  problems: {},
  viewer: null,
  overlay: false,
  composer: null,
  toast: null,
  toastsShown: 0,
  overdue: null,
  focus: null,
};

const noHints: AiHints = { scores: {}, details: {} };

// ---- selectors --------------------------------------------------------------------------------------------------

export function taxonomyOf(state: ReviewState): Taxonomy | null {
  return state.feed.status === 'ready' ? state.feed.taxonomy : null;
}

/** The feed item at the queue position, if any. */
export function itemOf(state: ReviewState): FeedItem | undefined {
  return state.queue[state.index];
}

export function isQueueEmpty(state: ReviewState): boolean {
  return state.feed.status === 'ready' && state.queue.length === 0;
}

/** The scan after this one, to fetch ahead (none when it would be this one again). */
export function nextIdOf(state: ReviewState): string | undefined {
  return state.queue.length > 1 ? state.queue[(state.index + 1) % state.queue.length]?.sessionId : undefined;
}

/** Near the end of the loaded page, and the feed has more. */
export function wantsNextPage(state: ReviewState): boolean {
  return state.cursor !== null && state.index >= state.queue.length - 3;
}

// ---- transitions ------------------------------------------------------------------------------------------------

function say(state: ReviewState, text: string, tone: Toast['tone'], reopen?: Refused): ReviewState {
  const id = state.toastsShown + 1;
  return { ...state, toast: { id, text, tone, reopen }, toastsShown: id };
}

/** Focus is always somewhere useful: the first undecided score, else the action (also after a refusal). */
function withFocus(state: ReviewState): ReviewState {
  const scan = state.scan;
  if (!scan?.form || state.viewer !== null || state.overlay || state.composer) return state;
  const attribute = scan.serverError ? 'action' : firstOpenScore(scan.form) ?? 'action';
  return { ...state, focus: { attribute } };
}

function open(state: ReviewState, id: string | null, session: ScanSession | null, openedAt: string, back?: Refused): ReviewState {
  // Another scan on screen: the composer of the last one's patient closes with its viewer.
  const shown: ReviewState = { ...state, viewer: null, composer: null, problems: {} };
  if (id === null) return { ...shown, scan: null };
  const init = session ? initialForm(session, taxonomyOf(state)) : null;
  const scan: Scan = {
    id,
    session,
    error: null,
    form: back?.form ?? init?.form ?? null,
    hints: back?.hints ?? init?.hints ?? noHints,
    openedAt,
    serverError: back?.error ?? null,
  };
  return withFocus({ ...shown, scan });
}

function skip(state: ReviewState): ReviewState {
  const waiting = state.queue.length;
  if (waiting === 0) return state;
  if (waiting === 1) return say(state, 'This is the only scan waiting.', 'done');
  const wraps = state.index + 1 >= waiting;
  const moved = { ...state, index: wraps ? 0 : state.index + 1 };
  return wraps && !state.cursor ? say(moved, 'Back to the oldest scan you skipped.', 'done') : moved;
}

export function reviewReducer(state: ReviewState, event: ReviewEvent): ReviewState {
  switch (event.type) {
    case 'feedRequested':
      return { ...state, feed: { status: 'loading' }, attempt: state.attempt + 1 };
    case 'feedLoaded':
      return { ...state, feed: { status: 'ready', taxonomy: event.taxonomy }, queue: event.page.items, cursor: event.page.nextCursor, index: 0 };
    case 'feedFailed':
      return { ...state, feed: { status: 'failed', error: event.error } };
    case 'pageLoaded': {
      const fresh = event.page.items.filter((i) => !state.queue.some((x) => x.sessionId === i.sessionId));
      return { ...state, queue: [...state.queue, ...fresh], cursor: event.page.nextCursor };
    }

    case 'scanOpened':
      return open(state, event.id, event.session, event.openedAt);
    case 'scanLoaded': {
      const scan = state.scan;
      if (!scan || scan.id !== event.id) return state;
      const init = initialForm(event.session, taxonomyOf(state));
      // A reopened review keeps the doctor's choices; a fresh one starts from the AI suggestions.
      const loaded: Scan = {
        ...scan,
        session: event.session,
        form: scan.form ?? init.form,
        hints: scan.form ? scan.hints : init.hints,
        openedAt: event.openedAt,
      };
      return withFocus({ ...state, scan: loaded });
    }
    case 'scanFailed':
      return state.scan?.id === event.id ? { ...state, scan: { ...state.scan, error: event.error } } : state;

    case 'formChanged':
      return state.scan ? { ...state, scan: { ...state.scan, form: event.form }, problems: {} } : { ...state, problems: {} };
    case 'formRefused':
      return { ...state, problems: event.problems };
    case 'tagSent': {
      const taken = state.queue.findIndex((x) => x.sessionId === event.id);
      if (taken < 0) return state;
      // The next scan moves up into this position; after the last one the queue starts again at the oldest.
      return { ...state, queue: state.queue.filter((x) => x.sessionId !== event.id), index: state.index >= state.queue.length - 1 ? 0 : state.index };
    }
    case 'tagSucceeded':
      return say(state, `Tagged ${event.name}. The patient will read: “${event.patientFeedback}”`, 'done');
    case 'tagFailed': {
      const { item, form, hints, error } = event;
      // Someone else tagged it, or it is gone: nothing to redo.
      if (error.status === 409 || error.status === 404) return say(state, `${item.patientName}: ${error.title}`, 'done');
      return say(state, `Could not tag ${item.patientName}: ${error.title}`, 'problem', { item, form, hints, error });
    }
    case 'reopened': {
      const back = state.toast?.reopen;
      if (!back) return state;
      const queue = [back.item, ...state.queue.filter((x) => x.sessionId !== back.item.sessionId)];
      return open({ ...state, queue, index: 0, toast: null }, back.item.sessionId, event.session, event.openedAt, back);
    }
    case 'skipped':
      return skip(state);

    case 'viewerOpened':
      return { ...state, viewer: event.photo };
    case 'viewerClosed':
      return { ...state, viewer: null };
    case 'overlayToggled':
      return { ...state, overlay: !state.overlay };
    case 'overlayOpened':
      return { ...state, overlay: true };
    case 'overlayClosed':
      return { ...state, overlay: false };
    case 'composerOpened':
      return { ...state, composer: event.target, viewer: null, overlay: false };
    case 'composerClosed':
      return { ...state, composer: null };
    case 'messageSent':
      return say({ ...state, composer: null }, `Message sent to ${event.name}.`, 'done');
    case 'toastExpired':
      return state.toast?.id === event.id ? { ...state, toast: null } : state;
    case 'toastDismissed':
      return { ...state, toast: null };
    case 'overdueCounted':
      return { ...state, overdue: event.count };
  }
}
