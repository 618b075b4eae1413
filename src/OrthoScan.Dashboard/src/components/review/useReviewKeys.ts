'use client';

import { useEffect, useRef, type Dispatch } from 'react';
import { flushSync } from 'react-dom';
import type { ReviewAction } from '@/api/review';
import { isTypingTarget } from '@/lib/hooks';
import { itemOf, taxonomyOf, type ReviewEvent, type ReviewState } from './reviewMachine';
import { focusAttribute, focusedAttribute } from './TagPanel';
import { firstOpenScore, scoreForKey } from './tagForm';

// M opens the message composer, so the review's message action is W (write the message).
const keyActions: Record<string, ReviewAction> = { a: 'approve_progression', h: 'hold_aligner', w: 'message', s: 'schedule_appointment' };

/**
 * The review screen's single keys (see the ? list). They read the state of the moment, since a fast doctor types
 * the next key before React would hand a new closure over, and they never fire while typing in a field.
 */
export function useReviewKeys(state: ReviewState, dispatch: Dispatch<ReviewEvent>, submit: () => void): void {
  const live = useRef({ state, submit });
  live.current = { state, submit };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const { state: now, submit: doSubmit } = live.current;
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || now.viewer !== null) return;
      const typing = isTypingTarget(e.target);
      const consume = () => {
        e.preventDefault();
        e.stopPropagation();
      };
      if (now.composer) {
        // The composer dialog has the keys (Escape, Tab, Ctrl+Enter are its own). A letter pressed on one of its
        // buttons is marked handled, so the shell's shortcuts (? and /) stay quiet too; Space still presses the button.
        if (!typing && e.key.length === 1 && e.key !== ' ') e.preventDefault();
        return;
      }
      if (e.key === '?' && !typing) {
        consume();
        dispatch({ type: 'overlayToggled' });
        return;
      }
      if (now.overlay) {
        if (e.key === 'Escape') {
          consume();
          dispatch({ type: 'overlayClosed' });
        }
        return;
      }
      if (typing) return;
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      if (key === 'n') {
        consume();
        dispatch({ type: 'skipped' });
        return;
      }
      if (key === 'm') {
        // Whoever's scan is on screen, even while its data loads (the composer then finds the photos itself).
        const item = itemOf(now);
        if (!item || !now.scan || now.scan.id !== item.sessionId) return;
        consume();
        dispatch({ type: 'composerOpened', target: { patientId: item.patientId, patientName: item.patientName } });
        return;
      }
      const form = now.scan?.form;
      const taxonomy = taxonomyOf(now);
      if (!form || !now.scan?.session || !taxonomy) return;
      const attributes = Object.keys(form.scores);
      const target = e.target as HTMLElement;

      if (key === 'Enter') {
        const photo = target.closest?.<HTMLElement>('[data-photo]');
        if (photo) {
          consume();
          dispatch({ type: 'viewerOpened', photo: Number(photo.dataset.photo) });
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
        dispatch({ type: 'viewerOpened', photo: photo ? Number(photo.dataset.photo) : 0 });
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
        const value = attr ? scoreForKey(taxonomy, attr, key) : undefined;
        if (!attr || value === undefined) return;
        consume();
        // Rendered and focused before the next key arrives, however fast the doctor types.
        flushSync(() => dispatch({ type: 'formChanged', form: { ...form, scores: { ...form.scores, [attr]: value } } }));
        focusAttribute(attributes[attributes.indexOf(attr) + 1] ?? 'action');
        return;
      }
      const action = keyActions[key];
      if (action) {
        consume();
        flushSync(() => dispatch({ type: 'formChanged', form: { ...form, action } }));
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
  }, [dispatch]);
}
