import { allViews } from '../api/types';
import { capture, progress, startCapture, type CaptureEvent, type CaptureState } from './machine';

const photo = (n: number) => ({ base64: `photo-${n}`, width: 1600, height: 1200 });
const run = (state: CaptureState, ...events: CaptureEvent[]) => events.reduce(capture, state);

describe('the guided capture', () => {
  it('asks for the aligner first and refuses a number no case carries', () => {
    const start = startCapture(allViews);
    expect(start.phase).toBe('aligner');
    expect(run(start, { type: 'aligner', number: 0 }).phase).toBe('aligner');
    expect(run(start, { type: 'aligner', number: 2.5 }).phase).toBe('aligner');
    const ready = run(start, { type: 'aligner', number: 7 });
    expect(ready).toMatchObject({ phase: 'camera', alignerNumber: 7, index: 0 });
  });

  it('walks the five views in order, 1 of 5 to 5 of 5, keeping each reviewed photo', () => {
    let state = run(startCapture(allViews), { type: 'aligner', number: 3 });
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      seen.push(`${progress(state).current} of ${progress(state).total}`);
      state = run(state, { type: 'shot', photo: photo(i), issues: [] }, { type: 'keep' });
    }
    expect(seen).toEqual(['1 of 5', '2 of 5', '3 of 5', '4 of 5', '5 of 5']);
    expect(state.phase).toBe('done');
    expect(allViews.map((v) => state.kept[v]?.base64)).toEqual(['photo-0', 'photo-1', 'photo-2', 'photo-3', 'photo-4']);
  });

  it('a retake throws the shot away and stays on the same view', () => {
    const state = run(startCapture(allViews, 3), { type: 'shot', photo: photo(1), issues: ['too_dark'] }, { type: 'retake' });
    expect(state).toMatchObject({ phase: 'camera', index: 0, shot: null, kept: {} });
    const kept = run(state, { type: 'shot', photo: photo(2), issues: [] }, { type: 'keep' });
    expect(kept.kept.frontal?.base64).toBe('photo-2');
    expect(progress(kept).current).toBe(2);
  });

  it('keeps what the on-device check found for the patient to see, and lets them use the photo anyway', () => {
    const reviewing = run(startCapture(allViews, 3), { type: 'shot', photo: photo(1), issues: ['too_blurry'] });
    expect(reviewing.shot?.issues).toEqual(['too_blurry']);
    expect(run(reviewing, { type: 'keep' }).kept.frontal?.base64).toBe('photo-1');
  });

  it('from the summary, takes one view again and returns to the summary with the others untouched', () => {
    let state = startCapture(allViews, 3);
    for (let i = 0; i < 5; i++) state = run(state, { type: 'shot', photo: photo(i), issues: [] }, { type: 'keep' });
    state = run(state, { type: 'redo', view: 'buccal_r' });
    expect(state).toMatchObject({ phase: 'camera', index: 2 });
    expect(state.kept.buccal_r).toBeUndefined();
    state = run(state, { type: 'shot', photo: photo(9), issues: [] }, { type: 'keep' });
    expect(state.phase).toBe('done');
    expect(state.kept.buccal_r?.base64).toBe('photo-9');
    expect(state.kept.frontal?.base64).toBe('photo-0');
  });

  it('a retake request asks only for the views named, with the session\'s aligner', () => {
    const state = startCapture(['buccal_l', 'occlusal_l'], 4);
    expect(state.phase).toBe('camera');
    expect(progress(state)).toEqual({ current: 1, total: 2 });
    const done = run(state, { type: 'shot', photo: photo(1), issues: [] }, { type: 'keep' }, { type: 'shot', photo: photo(2), issues: [] }, { type: 'keep' });
    expect(done.phase).toBe('done');
    expect(Object.keys(done.kept)).toEqual(['buccal_l', 'occlusal_l']);
  });

  it('ignores events that do not belong to the current step', () => {
    const start = startCapture(allViews, 3);
    expect(run(start, { type: 'keep' })).toBe(start);
    expect(run(start, { type: 'retake' })).toBe(start);
    expect(run(start, { type: 'redo', view: 'frontal' })).toBe(start);
  });
});
