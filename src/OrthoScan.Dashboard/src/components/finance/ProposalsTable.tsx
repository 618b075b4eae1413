'use client';

import { useCallback, useState } from 'react';
import { billingApi, type DecisionBody, type ProposalStatus, type TaggingRate } from '@/api/billing';
import { asApiError } from '@/api/errors';
import { Button, EmptyState, ErrorState, SelectField, Skeleton, StatusBadge, LoadMore } from '@/components/ui';
import { formatRate } from '@/lib/analytics';
import { formatMoney, formatMonth, formatPercent, planLabels, proposalStatusLabels } from '@/lib/billing';
import { useCursorPages } from '@/lib/useCursorPages';
import { DecisionDialog, type DialogAction } from './DecisionDialog';
import { TrendSparkline } from './TrendSparkline';

const filters: { value: ProposalStatus | ''; label: string }[] = [
  { value: 'proposed', label: 'Waiting for a decision' },
  { value: '', label: 'All' },
  { value: 'approved', label: 'Approved' },
  { value: 'adjusted', label: 'Adjusted' },
  { value: 'rejected', label: 'Rejected' },
];

export const ALREADY_DECIDED = 'Already decided by someone else. The row now shows their decision.';

type RowNote = { tone: 'ok' | 'problem'; text: string };

function DecisionCell({ proposal, busy, onApprove, onOpen }: {
  proposal: TaggingRate; busy: boolean; onApprove: () => void; onOpen: (action: DialogAction) => void;
}) {
  if (proposal.status !== 'proposed') {
    return (
      <div className="flex flex-col items-end gap-0.5 text-right">
        {proposal.status !== 'rejected' && (
          <span className="text-xs tabular-nums text-slate-700">{formatPercent(proposal.approvedPercent ?? proposal.proposedPercent)} granted</span>
        )}
        {proposal.decisionReason && <span className="max-w-[16rem] text-xs text-slate-500">“{proposal.decisionReason}”</span>}
      </div>
    );
  }
  const who = `${proposal.practiceName}, ${formatMonth(proposal.periodStart)}`;
  return (
    <div className="flex justify-end gap-1 whitespace-nowrap">
      <Button size="sm" variant="primary" busy={busy} onClick={onApprove} aria-label={`Approve ${who}`}>Approve</Button>
      <Button size="sm" variant="secondary" disabled={busy} onClick={() => onOpen('adjust')} aria-label={`Adjust ${who}`}>Adjust</Button>
      <Button size="sm" variant="ghost" disabled={busy} onClick={() => onOpen('reject')} aria-label={`Reject ${who}`}>Reject</Button>
    </div>
  );
}

/**
 * Finance's review of the tagging-rate discount proposals, newest period first: approve in one click, adjust with a
 * reason, reject. Two people may decide the same row at once; the API lets exactly one win and the other sees a 409.
 */
export function ProposalsTable({ canDecide }: { canDecide: boolean }) {
  const [status, setStatus] = useState<ProposalStatus | ''>('proposed');
  const pages = useCursorPages<TaggingRate>((cursor, signal) => billingApi.taggingRates(status, cursor, signal), `rates:${status}`);
  const [busy, setBusy] = useState<string | null>(null);
  const [notes, setNotes] = useState<Record<string, RowNote>>({});
  const [dialog, setDialog] = useState<{ proposal: TaggingRate; action: DialogAction } | null>(null);
  const [dialogErrors, setDialogErrors] = useState<Record<string, string[]>>({});
  const { replace, reload } = pages;

  /** Someone else decided first: the row shows their decision in place (newest periods come first, so it is near the top). */
  const refreshRow = useCallback(async (id: string) => {
    try {
      const fresh = (await billingApi.taggingRates('', null)).items.find((p) => p.id === id);
      if (fresh) replace((p) => p.id === id, fresh);
      else reload();
    } catch {
      reload();
    }
  }, [replace, reload]);

  const decide = useCallback(async (proposal: TaggingRate, body: DecisionBody) => {
    setBusy(proposal.id);
    setDialogErrors({});
    try {
      const decided = await billingApi.decide(proposal.id, body);
      replace((p) => p.id === proposal.id, decided);
      setNotes((n) => ({ ...n, [proposal.id]: { tone: 'ok', text: `${proposalStatusLabels[decided.status]}.` } }));
      setDialog(null);
    } catch (e) {
      const error = asApiError(e);
      if (error.status === 422 || (error.status === 400 && Object.keys(error.fieldErrors).length > 0)) {
        setDialogErrors(error.fieldErrors);
        return;
      }
      setDialog(null);
      setNotes((n) => ({ ...n, [proposal.id]: { tone: 'problem', text: error.status === 409 ? ALREADY_DECIDED : error.title } }));
      if (error.status === 409) await refreshRow(proposal.id);
    } finally {
      setBusy(null);
    }
  }, [replace, refreshRow]);

  const closeDialog = useCallback(() => {
    setDialog(null);
    setDialogErrors({});
  }, []);

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-end gap-3">
        <SelectField label="Show" value={status} onChange={(e) => setStatus(e.target.value as ProposalStatus | '')} containerClassName="w-56">
          {filters.map((f) => <option key={f.value} value={f.value}>{f.label}</option>)}
        </SelectField>
      </div>
      {pages.loading ? (
        <div className="flex flex-col gap-2" aria-busy="true" aria-label="Loading proposals">
          {Array.from({ length: 4 }).map((_, i) => <Skeleton key={i} className="h-10 w-full" />)}
        </div>
      ) : pages.error ? (
        <ErrorState error={pages.error} onRetry={reload} />
      ) : pages.items.length === 0 ? (
        <EmptyState title={status === 'proposed' ? 'Nothing waiting for a decision' : 'No proposals'}>
          Proposals appear for each practice once a month has ended and its 14-day tagging window has passed.
        </EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Tagging-rate discount proposals</caption>
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-2 py-2 font-medium">Practice</th>
                <th scope="col" className="px-2 py-2 font-medium">Period</th>
                <th scope="col" className="px-2 py-2 text-right font-medium">Tagged / received</th>
                <th scope="col" className="px-2 py-2 text-right font-medium">Rate</th>
                <th scope="col" className="px-2 py-2 font-medium">Trend</th>
                <th scope="col" className="px-2 py-2 text-right font-medium">Proposed</th>
                <th scope="col" className="px-2 py-2 text-right font-medium">Amount</th>
                <th scope="col" className="px-2 py-2 font-medium">Status</th>
                <th scope="col" className="px-2 py-2 text-right font-medium"><span className="sr-only">Decision</span></th>
              </tr>
            </thead>
            <tbody>
              {pages.items.map((p) => {
                const note = notes[p.id];
                return (
                  <tr key={p.id} className="border-t border-slate-100 align-top" data-testid="proposal">
                    <th scope="row" className="px-2 py-2 font-medium text-slate-900">
                      {p.practiceName}
                      <span className="block text-xs font-normal text-slate-500">{planLabels[p.plan]}</span>
                    </th>
                    <td className="whitespace-nowrap px-2 py-2 text-slate-700">{formatMonth(p.periodStart)}</td>
                    <td className="whitespace-nowrap px-2 py-2 text-right tabular-nums text-slate-700">
                      {p.sessionsTagged} / {p.sessionsReceived}
                      <span className="sr-only"> scans tagged within 14 days of those received</span>
                    </td>
                    <td className="px-2 py-2 text-right tabular-nums text-slate-900">{formatRate(p.rate)}</td>
                    <td className="px-2 py-2"><TrendSparkline trend={p.trend} label={`Tagging rate of ${p.practiceName}`} /></td>
                    <td className="px-2 py-2 text-right tabular-nums text-slate-900">{formatPercent(p.proposedPercent)}</td>
                    <td className="px-2 py-2 text-right tabular-nums text-slate-900">{formatMoney(p.amountMinor, p.currency)}</td>
                    <td className="px-2 py-2"><StatusBadge status={p.status} label={proposalStatusLabels[p.status]} /></td>
                    <td className="px-2 py-2">
                      {canDecide ? (
                        <DecisionCell
                          proposal={p}
                          busy={busy === p.id}
                          onApprove={() => void decide(p, { action: 'approve' })}
                          onOpen={(action) => setDialog({ proposal: p, action })}
                        />
                      ) : null}
                      {note && (
                        <p role={note.tone === 'problem' ? 'alert' : 'status'} className={note.tone === 'problem' ? 'mt-1 text-right text-xs text-amber-800' : 'mt-1 text-right text-xs text-accent-800'} data-testid="proposal-note">
                          {note.text}
                        </p>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore hasMore={pages.hasMore} error={pages.moreError} busy={pages.loadingMore} onLoadMore={pages.loadMore} />
      {dialog && (
        <DecisionDialog
          proposal={dialog.proposal}
          action={dialog.action}
          busy={busy === dialog.proposal.id}
          serverErrors={dialogErrors}
          onSubmit={(body) => void decide(dialog.proposal, body)}
          onClose={closeDialog}
        />
      )}
    </div>
  );
}
