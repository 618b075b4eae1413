'use client';

import { useEffect, useRef } from 'react';
import { trapTab } from './trapTab';

export const reviewShortcuts: [string, string][] = [
  ['T', 'Tag: focus the first score (tracking)'],
  ['1 2 3', 'Set the focused score, then move to the next'],
  ['0', 'Aligner fit: not applicable'],
  ['Tab / Shift+Tab', 'Next / previous attribute'],
  ['← →', 'Change the choice inside an attribute'],
  ['D', 'Details: focus the detail tags (Space toggles)'],
  ['A', 'Action: approve the next aligner'],
  ['H', 'Action: hold the aligner, then type the days'],
  ['W', 'Action: write the review message'],
  ['S', 'Action: schedule an appointment'],
  ['M', 'Message the patient (opens the composer)'],
  ['Enter', 'Submit the review and open the next scan'],
  ['Ctrl+Enter', 'Submit while writing the review message; send in the composer'],
  ['Esc', 'Leave a text box, close the viewer, the composer or this list'],
  ['N', 'Next scan without tagging'],
  ['F', 'Open the photos full screen (Enter on a photo too)'],
  ['+ − 0', 'Viewer: zoom in, out, reset'],
  ['← →', 'Viewer: previous / next view'],
  ['C', 'Viewer: compare with the previous scan'],
  ['?', 'Show or hide this list'],
];

/** The review screen's keys; AI-suggested values are pre-filled, so agreeing is usually A then Enter. */
export function ShortcutsOverlay({ onClose }: { onClose: () => void }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    ref.current?.focus();
    const onKey = (e: KeyboardEvent) => trapTab(e, ref.current);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      opener?.focus?.();
    };
  }, []);
  return (
    // The backdrop only catches presses outside the dialog (Escape closes it from the keyboard).
    <div
      role="presentation"
      className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/30 p-4"
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}
    >
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby="review-shortcuts-title"
        tabIndex={-1}
        className="max-h-full w-full max-w-lg overflow-y-auto rounded-lg bg-white p-6 shadow-xl focus:outline-none"
      >
        <h2 id="review-shortcuts-title" className="text-base font-semibold text-slate-900">Review shortcuts</h2>
        <p className="mt-1 text-sm text-slate-600">
          AI suggestions arrive pre-filled and marked <span className="rounded bg-sky-600 px-1 text-[10px] font-semibold text-white">AI</span>:
          to agree, press <kbd className="rounded border border-slate-300 px-1 text-xs">A</kbd> and <kbd className="rounded border border-slate-300 px-1 text-xs">Enter</kbd>.
          Without suggestions: <kbd className="rounded border border-slate-300 px-1 text-xs">1</kbd> <kbd className="rounded border border-slate-300 px-1 text-xs">1</kbd>{' '}
          <kbd className="rounded border border-slate-300 px-1 text-xs">1</kbd> <kbd className="rounded border border-slate-300 px-1 text-xs">A</kbd>{' '}
          <kbd className="rounded border border-slate-300 px-1 text-xs">Enter</kbd>.
        </p>
        <dl className="mt-4 grid grid-cols-[auto_1fr] gap-x-4 gap-y-1.5 text-sm">
          {reviewShortcuts.map(([key, what], i) => (
            <div key={i} className="contents">
              <dt><kbd className="whitespace-nowrap rounded border border-slate-300 bg-slate-50 px-1.5 py-0.5 font-sans text-xs">{key}</kbd></dt>
              <dd className="text-slate-700">{what}</dd>
            </div>
          ))}
        </dl>
        <p className="mt-4 text-xs text-slate-500">Keys never fire while you type in a field.</p>
        <button type="button" className="mt-4 text-sm font-medium text-accent-700 hover:underline" onClick={onClose}>Close</button>
      </div>
    </div>
  );
}
