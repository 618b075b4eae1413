'use client';

import { useEffect, useId, useRef, useState } from 'react';
import type { Message } from '@/api/types';
import { Icon } from '@/components/icons';
import { Composer, type ComposerPhoto } from '@/components/messages/Composer';
import { KeyHint } from '@/components/ui';
import { trapTab } from './trapTab';

/**
 * M on the review screen: a message to the patient of the scan on screen, over the scan. The focus starts in the
 * text box and stays in the dialog (Tab wraps); Escape closes it and hands the focus back to where it was; Ctrl+Enter
 * sends. The scan's photos are offered as attachments. The review keys rest while it is open (useReviewKeys).
 */
export function MessageDialog({ patientId, patientName, photos, onSent, onClose }: {
  patientId: string;
  patientName: string;
  photos?: ComposerPhoto[];
  onSent: (message: Message) => void;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  // Taken while rendering: the composer's own effects run before this dialog's, and may move the focus.
  const [opener] = useState(() => (typeof document === 'undefined' ? null : (document.activeElement as HTMLElement | null)));
  const close = useRef(onClose);
  close.current = onClose;

  useEffect(() => {
    ref.current?.querySelector<HTMLTextAreaElement>('textarea')?.focus();
    const onKey = (e: KeyboardEvent) => {
      // The photo picker closes itself first on Escape (and marks the key handled).
      if (e.key === 'Escape') {
        if (e.defaultPrevented) return;
        e.preventDefault();
        close.current();
      } else trapTab(e, ref.current);
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (opener?.isConnected) opener.focus();
    };
  }, [opener]);

  return (
    // No close on a press outside: a stray click must not lose a draft (Escape and Close do it on purpose).
    <div role="presentation" className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/30 p-4">
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        tabIndex={-1}
        className="max-h-full w-full max-w-lg overflow-y-auto rounded-lg bg-white p-6 shadow-xl focus:outline-none"
      >
        <div className="flex items-start justify-between gap-4">
          <div>
            <h2 id={titleId} className="text-base font-semibold text-slate-900">Message {patientName}</h2>
            <p className="mt-1 text-sm text-slate-600">
              They read it in the app. {photos && photos.length > 0 ? 'You can show them a photo of this scan.' : ''}
            </p>
          </div>
          <button
            type="button"
            className="inline-flex h-8 shrink-0 items-center gap-1 rounded-md px-2 text-sm text-slate-700 hover:bg-slate-100"
            onClick={onClose}
          >
            <Icon name="close" width={14} height={14} />
            Close
            <KeyHint>Esc</KeyHint>
          </button>
        </div>
        <Composer patientId={patientId} photos={photos} onSent={onSent} className="mt-4 flex flex-col gap-2" />
      </div>
    </div>
  );
}
