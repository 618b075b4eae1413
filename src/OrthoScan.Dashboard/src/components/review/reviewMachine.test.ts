import { describe, expect, it } from 'vitest';
import { ApiError } from '@/api/errors';
import type { AiSuggestion, FeedItem, ScanSession } from '@/api/review';
import { taxonomy } from '@/test/taxonomy';
import {
  initialReviewState,
  isQueueEmpty,
  itemOf,
  nextIdOf,
  reviewReducer,
  taxonomyOf,
  wantsNextPage,
  type ReviewEvent,
  type ReviewState,
} from './reviewMachine';
import type { TagFormState } from './tagForm';


function item(n: number): FeedItem {
  return {
    sessionId: `s${n}`, patientId: `p${n}`, patientName: `Patient ${n}`, currentStage: 4, totalStages: 20, alignerNumber: 4,
    submittedAt: '2026-11-25T08:00:00Z', lowestQualityScore: 80, qualityFlags: [], images: [],
  };
}

const ai = (attribute: string, value: string): AiSuggestion =>
  ({ attribute, value, confidence: 0.8, modelName: 'demo-baseline', modelVersion: '2026.11' });

function session(n: number, suggestions: AiSuggestion[] = []): ScanSession {
  return {
    id: `s${n}`, patientId: `p${n}`, alignerNumber: 4, status: 'ready', createdAt: '2026-11-25T08:00:00Z',
    submittedAt: '2026-11-25T08:00:00Z', processedAt: '2026-11-25T08:01:00Z', patientFeedback: null,
    images: [], previous: null, aiSuggestions: suggestions, aiNotice: suggestions.length > 0 ? 'Suggestions are non-diagnostic aids; a doctor confirms every tag.' : null,
  };
}

const problem = (status: number, title: string) => new ApiError({ status, title });

const run = (state: ReviewState, ...events: ReviewEvent[]) => events.reduce(reviewReducer, state);

/** The feed loaded with scans 1..n and no further page. */
function ready(n = 3, nextCursor: string | null = null): ReviewState {
  const items = Array.from({ length: n }, (_, i) => item(i + 1));
  return run(initialReviewState, { type: 'feedLoaded', taxonomy, page: { items, nextCursor } });
}

/** The first scan on screen with its data. */
function reviewing(n = 3, suggestions: AiSuggestion[] = []): ReviewState {
  return run(ready(n), { type: 'scanOpened', id: 's1', session: session(1, suggestions), openedAt: 't0' });
}

const filled: TagFormState = {
  scores: { overall_tracking: 1, aligner_fit: 'na', oral_hygiene: 3 },
  details: [],
  action: 'schedule_appointment',
  holdDays: '3',
  notes: '',
};

describe('review machine: the feed', () => {
  it('starts loading, and a loaded feed puts the oldest scan first with its taxonomy', () => {
    expect(initialReviewState.feed.status).toBe('loading');
    const state = ready(3, 'c1');
    expect(state.feed).toEqual({ status: 'ready', taxonomy });
    expect(taxonomyOf(state)).toBe(taxonomy);
    expect(itemOf(state)?.sessionId).toBe('s1');
    expect(state.cursor).toBe('c1');
  });

  it('a refused feed keeps its problem; Retry loads again under a new attempt', () => {
    const failed = run(initialReviewState, { type: 'feedFailed', error: problem(503, 'Unavailable') });
    expect(failed.feed).toMatchObject({ status: 'failed', error: { title: 'Unavailable' } });
    const again = run(failed, { type: 'feedRequested' });
    expect(again.feed.status).toBe('loading');
    expect(again.attempt).toBe(failed.attempt + 1);
    expect(taxonomyOf(again)).toBeNull();
  });

  it('an empty feed is the empty queue; a loading one is not', () => {
    expect(isQueueEmpty(ready(0))).toBe(true);
    expect(isQueueEmpty(initialReviewState)).toBe(false);
    expect(isQueueEmpty(ready(1))).toBe(false);
  });

  it('a further page appends only scans not already queued, and takes its cursor', () => {
    const state = run(ready(2, 'c1'), { type: 'pageLoaded', page: { items: [item(2), item(3)], nextCursor: null } });
    expect(state.queue.map((i) => i.sessionId)).toEqual(['s1', 's2', 's3']);
    expect(state.cursor).toBeNull();
  });

  it('asks for the next page near the end of the loaded one, only while the feed has more', () => {
    expect(wantsNextPage(ready(10, 'c1'))).toBe(false);
    expect(wantsNextPage({ ...ready(10, 'c1'), index: 7 })).toBe(true);
    expect(wantsNextPage({ ...ready(10, null), index: 9 })).toBe(false);
  });

  it('fetches ahead the scan after this one, wrapping round, and none when it is alone', () => {
    expect(nextIdOf(ready(3))).toBe('s2');
    expect(nextIdOf({ ...ready(3), index: 2 })).toBe('s1');
    expect(nextIdOf(ready(1))).toBeUndefined();
  });
});

describe('review machine: the scan on screen', () => {
  it('a cached scan opens complete: AI suggestions pre-filled, focus on the first undecided score', () => {
    const state = reviewing(3, [ai('overall_tracking', '2'), ai('detail_tag', 'plaque')]);
    expect(state.scan).toMatchObject({ id: 's1', error: null, openedAt: 't0', serverError: null });
    expect(state.scan?.form?.scores).toEqual({ overall_tracking: 2, aligner_fit: null, oral_hygiene: null });
    expect(state.scan?.form?.details).toEqual([{ code: 'plaque', location: '' }]);
    expect(state.focus).toEqual({ attribute: 'aligner_fit' });
  });

  it('with every score suggested, the focus goes to the action', () => {
    const state = reviewing(3, [ai('overall_tracking', '1'), ai('aligner_fit', 'not_applicable'), ai('oral_hygiene', '2')]);
    expect(state.scan?.form?.scores).toEqual({ overall_tracking: 1, aligner_fit: 'na', oral_hygiene: 2 });
    expect(state.focus).toEqual({ attribute: 'action' });
  });

  it('a scan not fetched yet opens without a form and asks for no focus until its data arrives', () => {
    const opening = run(ready(), { type: 'scanOpened', id: 's1', session: null, openedAt: 't0' });
    expect(opening.scan).toMatchObject({ id: 's1', session: null, form: null });
    expect(opening.focus).toBeNull();

    const loaded = run(opening, { type: 'scanLoaded', id: 's1', session: session(1), openedAt: 't1' });
    expect(loaded.scan?.session?.id).toBe('s1');
    expect(loaded.scan?.openedAt).toBe('t1');
    expect(loaded.scan?.form?.action).toBeNull();
    expect(loaded.focus).toEqual({ attribute: 'overall_tracking' });
  });

  it('data or a failure for a scan no longer on screen changes nothing', () => {
    const opening = run(ready(), { type: 'scanOpened', id: 's2', session: null, openedAt: 't0' });
    expect(run(opening, { type: 'scanLoaded', id: 's1', session: session(1), openedAt: 't1' })).toBe(opening);
    expect(run(opening, { type: 'scanFailed', id: 's1', error: problem(500, 'Boom') })).toBe(opening);
    expect(run(opening, { type: 'scanFailed', id: 's2', error: problem(500, 'Boom') }).scan?.error?.title).toBe('Boom');
  });

  it('opening a scan closes the viewer and clears the problems of the one before; no scan clears the screen', () => {
    const busy = run(reviewing(), { type: 'viewerOpened', photo: 2 }, { type: 'formRefused', problems: { action: 'Choose an action.' } });
    expect(busy.viewer).toBe(2);
    const next = run(busy, { type: 'scanOpened', id: 's2', session: session(2), openedAt: 't1' });
    expect(next.viewer).toBeNull();
    expect(next.problems).toEqual({});
    expect(run(busy, { type: 'scanOpened', id: null, session: null, openedAt: 't1' }).scan).toBeNull();
  });

  it('no focus is asked for while the shortcuts list is open', () => {
    const opening = run(ready(), { type: 'overlayToggled' }, { type: 'scanOpened', id: 's1', session: null, openedAt: 't0' });
    expect(run(opening, { type: 'scanLoaded', id: 's1', session: session(1), openedAt: 't1' }).focus).toBeNull();
  });

  it('a change to the form clears the problems Enter found', () => {
    const refused = run(reviewing(), { type: 'formRefused', problems: { aligner_fit: 'Choose 1 to 3, or 0 for not applicable.' } });
    expect(refused.problems).toHaveProperty('aligner_fit');
    const changed = run(refused, { type: 'formChanged', form: filled });
    expect(changed.problems).toEqual({});
    expect(changed.scan?.form).toBe(filled);
  });
});

describe('review machine: tagging', () => {
  it('a sent review leaves the queue at once and the next scan moves up', () => {
    const state = run({ ...reviewing(3), index: 1 }, { type: 'tagSent', id: 's2' });
    expect(state.queue.map((i) => i.sessionId)).toEqual(['s1', 's3']);
    expect(itemOf(state)?.sessionId).toBe('s3');
  });

  it('after the last scan of the queue the oldest one skipped comes back', () => {
    const state = run({ ...reviewing(3), index: 2 }, { type: 'tagSent', id: 's3' });
    expect(state.index).toBe(0);
    expect(itemOf(state)?.sessionId).toBe('s1');
  });

  it('the only scan tagged leaves an empty queue', () => {
    expect(isQueueEmpty(run(reviewing(1), { type: 'tagSent', id: 's1' }))).toBe(true);
  });

  it('a stored review says what the patient will read', () => {
    const state = run(reviewing(), { type: 'tagSucceeded', name: 'Ana García', patientFeedback: 'Great tracking' });
    expect(state.toast).toMatchObject({ id: 1, tone: 'done', text: 'Tagged Ana García. The patient will read: “Great tracking”' });
    expect(state.toast?.reopen).toBeUndefined();
  });

  it('a scan someone else already tagged (409) or that is gone (404) is reported quietly, with nothing to reopen', () => {
    for (const status of [409, 404]) {
      const state = run(reviewing(), { type: 'tagFailed', item: item(1), form: filled, hints: { scores: {}, details: {} }, error: problem(status, 'Already tagged.') });
      expect(state.toast).toMatchObject({ tone: 'done', text: 'Patient 1: Already tagged.' });
      expect(state.toast?.reopen).toBeUndefined();
    }
  });

  it('a refused review can be reopened: back first in the queue with the choices, the refusal and the focus on the action', () => {
    const refusal = problem(422, 'The tags do not match the taxonomy.');
    const sent = run(reviewing(3), { type: 'tagSent', id: 's1' }, { type: 'scanOpened', id: 's2', session: session(2), openedAt: 't1' });
    const failed = run(sent, { type: 'tagFailed', item: item(1), form: filled, hints: { scores: {}, details: {} }, error: refusal });
    expect(failed.toast).toMatchObject({ tone: 'problem', text: 'Could not tag Patient 1: The tags do not match the taxonomy.' });

    const back = run(failed, { type: 'reopened', session: null, openedAt: 't2' });
    expect(back.toast).toBeNull();
    expect(back.queue.map((i) => i.sessionId)).toEqual(['s1', 's2', 's3']);
    expect(back.index).toBe(0);
    expect(back.scan).toMatchObject({ id: 's1', session: null, form: filled, serverError: refusal, openedAt: 't2' });
    expect(back.focus).toEqual({ attribute: 'action' });

    // Its data arrives later and keeps the doctor's choices rather than the AI's.
    const loaded = run(back, { type: 'scanLoaded', id: 's1', session: session(1, [ai('overall_tracking', '3')]), openedAt: 't3' });
    expect(loaded.scan?.form).toBe(filled);
  });

  it('Reopen without a refused review changes nothing', () => {
    const state = run(reviewing(), { type: 'tagSucceeded', name: 'Ana', patientFeedback: 'Fine' });
    expect(run(state, { type: 'reopened', session: null, openedAt: 't1' })).toBe(state);
  });
});

describe('review machine: moving through the queue', () => {
  it('N moves to the next scan', () => {
    const state = run(reviewing(3), { type: 'skipped' });
    expect(state.index).toBe(1);
    expect(state.toast).toBeNull();
  });

  it('N on the last scan goes back to the oldest and says so; with more pages to come it says nothing', () => {
    const wrapped = run({ ...reviewing(3), index: 2 }, { type: 'skipped' });
    expect(wrapped.index).toBe(0);
    expect(wrapped.toast?.text).toBe('Back to the oldest scan you skipped.');

    const more = run({ ...reviewing(3), cursor: 'c1', index: 2 }, { type: 'skipped' });
    expect(more.index).toBe(0);
    expect(more.toast).toBeNull();
  });

  it('N with one scan waiting says it is the only one; with none it does nothing', () => {
    const alone = run(reviewing(1), { type: 'skipped' });
    expect(alone.index).toBe(0);
    expect(alone.toast?.text).toBe('This is the only scan waiting.');
    const none = ready(0);
    expect(run(none, { type: 'skipped' })).toBe(none);
  });
});

describe('review machine: viewer, shortcuts, toasts', () => {
  it('the viewer opens on a photo and closes; ? toggles the shortcuts list', () => {
    const open = run(reviewing(), { type: 'viewerOpened', photo: 3 });
    expect(open.viewer).toBe(3);
    expect(run(open, { type: 'viewerClosed' }).viewer).toBeNull();
    const listed = run(reviewing(), { type: 'overlayToggled' });
    expect(listed.overlay).toBe(true);
    expect(run(listed, { type: 'overlayToggled' }).overlay).toBe(false);
    expect(run(listed, { type: 'overlayClosed' }).overlay).toBe(false);
    expect(run(reviewing(), { type: 'overlayOpened' }).overlay).toBe(true);
  });

  it('the composer opens for a patient, closes, or closes with a word once the message is sent; another scan closes it', () => {
    const target = { patientId: 'p1', patientName: 'Patient 1' };
    const writing = run(reviewing(), { type: 'composerOpened', target });
    expect(writing.composer).toEqual(target);
    expect(run(writing, { type: 'composerClosed' }).composer).toBeNull();
    const sent = run(writing, { type: 'messageSent', name: 'Patient 1' });
    expect(sent.composer).toBeNull();
    expect(sent.toast).toMatchObject({ text: 'Message sent to Patient 1.', tone: 'done' });
    // No focus is asked for behind the dialog, and a new scan on screen closes it.
    expect(run(writing, { type: 'scanLoaded', id: 's1', session: session(1), openedAt: 't1' }).focus).toBe(writing.focus);
    expect(run(writing, { type: 'scanOpened', id: 's2', session: session(2), openedAt: 't1' }).composer).toBeNull();
  });

  it('a toast expires only if it is still the one showing; Dismiss clears any', () => {
    const first = run(reviewing(3), { type: 'skipped' }, { type: 'skipped' }, { type: 'skipped' });
    expect(first.toast?.id).toBe(1);
    const second = run(first, { type: 'tagSucceeded', name: 'Ana', patientFeedback: 'Fine' });
    expect(second.toast?.id).toBe(2);
    expect(run(second, { type: 'toastExpired', id: 1 }).toast?.id).toBe(2);
    expect(run(second, { type: 'toastExpired', id: 2 }).toast).toBeNull();
    expect(run(second, { type: 'toastDismissed' }).toast).toBeNull();
  });

  it('counts the patients overdue for the empty queue, or forgets the count when it cannot be had', () => {
    const counted = run(ready(0), { type: 'overdueCounted', count: 3 });
    expect(counted.overdue).toBe(3);
    expect(run(counted, { type: 'overdueCounted', count: null }).overdue).toBeNull();
  });
});
