'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { DecisionBody, TaggingRate } from '@/api/billing';
import { trapTab } from '@/components/review/trapTab';
import { Button, TextAreaField, TextField } from '@/components/ui';
import { formatPercent, formatPeriod } from '@/lib/billing';

export const REASON_MAX = 500;

export type DialogAction = 'adjust' | 'reject';

/** Checks what the API checks (percent 0-100 for adjust, a reason for adjust, at most 500 characters) before sending. */
export function validateDecision(action: DialogAction, percent: string, reason: string): { body: DecisionBody | null; errors: Record<string, string[]> } {
  const errors: Record<string, string[]> = {};
  const trimmed = reason.trim();
  if (action === 'adjust' && !trimmed) errors.reason = ['Say why you adjust the discount: the practice owner and the audit trail see it.'];
  if (trimmed.length > REASON_MAX) errors.reason = [`At most ${REASON_MAX} characters.`];
  let value: number | undefined;
  if (action === 'adjust') {
    value = percent.trim() === '' ? NaN : Number(percent);
    if (!Number.isFinite(value) || value < 0 || value > 100) errors.percent = ['A percent from 0 to 100.'];
  }
  if (Object.keys(errors).length > 0) return { body: null, errors };
  const body: DecisionBody = { action };
  if (action === 'adjust') body.percent = value;
  if (trimmed) body.reason = trimmed;
  return { body, errors };
}

/**
 * Adjust (a percent and a required reason) or reject (an optional reason) one proposal. Approving needs no dialog.
 * The caller sends the decision and answers with the API's field errors, if any.
 */
export function DecisionDialog({ proposal, action, busy, serverErrors, onSubmit, onClose }: {
  proposal: TaggingRate;
  action: DialogAction;
  busy: boolean;
  serverErrors: Record<string, string[]>;
  onSubmit: (body: DecisionBody) => void;
  onClose: () => void;
}) {
  const [percent, setPercent] = useState(String(proposal.proposedPercent));
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const first = useRef<HTMLInputElement>(null);
  const reasonRef = useRef<HTMLDivElement>(null);
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    // Focus goes back to the button that opened the dialog when it closes.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (action === 'adjust') first.current?.focus();
    else reasonRef.current?.querySelector('textarea')?.focus();
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
      else trapTab(e, dialog.current);
    };
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('keydown', onKey);
      if (opener?.isConnected) opener.focus();
    };
  }, [action, onClose]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const checked = validateDecision(action, percent, reason);
    setErrors(checked.errors);
    if (checked.body) onSubmit(checked.body);
  }

  const shown = { ...serverErrors, ...errors };
  const title = action === 'adjust' ? 'Adjust the discount' : 'Reject the discount';
  return (
    <div role="presentation" className="fixed inset-0 z-50 flex items-center justify-center bg-slate-900/30 p-4" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={dialog} role="dialog" aria-modal="true" aria-labelledby="decision-title" className="w-full max-w-md rounded-lg bg-white p-6 shadow-xl">
        <h2 id="decision-title" className="text-base font-semibold text-slate-900">{title}</h2>
        <p className="mt-1 text-sm text-slate-600">
          {proposal.practiceName}, {formatPeriod(proposal.periodStart, proposal.periodEnd)}: {proposal.sessionsTagged} of {proposal.sessionsReceived} scans
          tagged, {formatPercent(proposal.proposedPercent)} proposed.
        </p>
        <form className="mt-4 flex flex-col gap-4" onSubmit={submit} noValidate>
          {action === 'adjust' && (
            <TextField
              ref={first}
              label="Discount percent"
              type="number"
              inputMode="decimal"
              min={0}
              max={100}
              step="0.5"
              value={percent}
              onChange={(e) => setPercent(e.target.value)}
              errors={shown.percent}
            />
          )}
          <div ref={reasonRef}>
            <TextAreaField
              label="Reason"
              optional={action === 'reject'}
              hint={action === 'adjust' ? 'Required. The practice owner and the audit trail see it.' : 'Shown to the practice owner and kept in the audit trail.'}
              maxLength={REASON_MAX}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              errors={shown.reason}
            />
          </div>
          <div className="flex justify-end gap-2">
            <Button variant="secondary" onClick={onClose}>Cancel</Button>
            <Button type="submit" busy={busy}>
              {action === 'adjust' ? 'Save adjusted discount' : 'Reject discount'}
            </Button>
          </div>
        </form>
      </div>
    </div>
  );
}
