import type { ImageType } from '../api/types';
import type { QualityIssue } from './quality';

/** A photo as the app keeps it until it is uploaded: JPEG bytes in base64, with its size. */
export interface Photo {
  base64: string;
  width: number;
  height: number;
}

/**
 * The guided capture: the aligner number (unless this is a retake of an existing session), then for each view a shot,
 * the on-device check and the patient's review (keep or retake), until every view has a kept photo.
 */
export interface CaptureState {
  views: readonly ImageType[];
  index: number;
  phase: 'aligner' | 'camera' | 'review' | 'done';
  alignerNumber: number | null;
  kept: Partial<Record<ImageType, Photo>>;
  /** The photo just taken and what the check found in it, while the patient reviews it. */
  shot: { photo: Photo; issues: QualityIssue[] } | null;
}

export type CaptureEvent =
  | { type: 'aligner'; number: number }
  | { type: 'shot'; photo: Photo; issues: QualityIssue[] }
  | { type: 'keep' }
  | { type: 'retake' }
  | { type: 'redo'; view: ImageType };

export function startCapture(views: readonly ImageType[], alignerNumber: number | null = null): CaptureState {
  return { views, index: 0, phase: alignerNumber === null ? 'aligner' : 'camera', alignerNumber, kept: {}, shot: null };
}

export function capture(state: CaptureState, event: CaptureEvent): CaptureState {
  switch (event.type) {
    case 'aligner':
      if (state.phase !== 'aligner' || !Number.isInteger(event.number) || event.number < 1 || event.number > 200) return state;
      return { ...state, alignerNumber: event.number, phase: 'camera' };
    case 'shot':
      if (state.phase !== 'camera') return state;
      return { ...state, phase: 'review', shot: { photo: event.photo, issues: event.issues } };
    case 'retake':
      if (state.phase !== 'review') return state;
      return { ...state, phase: 'camera', shot: null };
    case 'keep': {
      if (state.phase !== 'review' || !state.shot) return state;
      const view = state.views[state.index];
      const kept = { ...state.kept, [view]: state.shot.photo };
      const next = state.views.findIndex((v) => !kept[v]);
      return next === -1
        ? { ...state, kept, shot: null, phase: 'done' }
        : { ...state, kept, shot: null, index: next, phase: 'camera' };
    }
    case 'redo': {
      // From the summary: take one view again; the others stay kept.
      const index = state.views.indexOf(event.view);
      if (state.phase !== 'done' || index === -1) return state;
      const kept = { ...state.kept };
      delete kept[event.view];
      return { ...state, kept, index, phase: 'camera', shot: null };
    }
  }
}

/** "3 of 5": the view being taken, counted from one. */
export function progress(state: CaptureState): { current: number; total: number } {
  return { current: Math.min(state.index + 1, state.views.length), total: state.views.length };
}
