'use client';

import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, type DevMailboxLetter } from '@/api/client';
import { asApiError, type ApiError } from '@/api/errors';
import { Button, EmptyState, ErrorState, Skeleton, TextField } from '@/components/ui';
import { formatDateTime } from '@/lib/format';

export const DEV_MAILBOX_OFF = 'The dev mailbox is off here. It is on only in local runs (make run).';

type State =
  | { kind: 'loading' }
  | { kind: 'off' }
  | { kind: 'error'; error: ApiError }
  | { kind: 'ready'; letters: DevMailboxLetter[] };

const channelLabel = (channel: DevMailboxLetter['channel']) => (channel === 'sms' ? 'SMS' : 'Email');

function newestFirst(letters: DevMailboxLetter[]): DevMailboxLetter[] {
  return [...letters].sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}

/** The letters the local run "sent" (no SendGrid key, no Twilio account), to read the links and codes in them. */
export function DevMailbox() {
  const [recipient, setRecipient] = useState('');
  const [filter, setFilter] = useState('');
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [busy, setBusy] = useState(false);
  const controller = useRef<AbortController | null>(null);

  const load = useCallback(async (forRecipient: string) => {
    controller.current?.abort();
    const current = new AbortController();
    controller.current = current;
    setBusy(true);
    try {
      const letters = await api.listDevMailbox(forRecipient || undefined, current.signal);
      setState({ kind: 'ready', letters: newestFirst(letters ?? []) });
    } catch (e) {
      if (e instanceof DOMException && e.name === 'AbortError') return;
      const problem = asApiError(e);
      setState(problem.status === 404 ? { kind: 'off' } : { kind: 'error', error: problem });
    } finally {
      if (controller.current === current) setBusy(false);
    }
  }, []);

  useEffect(() => {
    void load(filter);
  }, [filter, load]);

  useEffect(() => () => controller.current?.abort(), []);

  function applyFilter(event: FormEvent) {
    event.preventDefault();
    const next = recipient.trim();
    if (next === filter) void load(next);
    else setFilter(next);
  }

  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 className="text-lg font-semibold text-slate-900">Dev mailbox</h1>
        <p className="mt-1 text-sm text-slate-600">Emails and text messages sent while no real provider is configured (local runs).</p>
      </div>
      <form onSubmit={applyFilter} className="flex flex-wrap items-end gap-2" role="search" aria-label="Filter letters">
        <TextField
          label="Recipient"
          name="recipient"
          type="search"
          placeholder="Email or phone number"
          value={recipient}
          onChange={(e) => setRecipient(e.target.value)}
          containerClassName="min-w-0 flex-1"
          optional
          // eslint-disable-next-line jsx-a11y/no-autofocus -- the filter is the page's one field (UI.md: focus always somewhere useful)
          autoFocus
        />
        <Button type="submit" variant="secondary" busy={busy}>
          Refresh
        </Button>
      </form>
      {state.kind === 'loading' && (
        <div className="flex flex-col gap-2" role="status" aria-label="Loading letters">
          <Skeleton className="h-20" />
          <Skeleton className="h-20" />
        </div>
      )}
      {state.kind === 'off' && (
        <p role="status" className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-700">
          {DEV_MAILBOX_OFF}
        </p>
      )}
      {state.kind === 'error' && <ErrorState error={state.error} onRetry={() => void load(filter)} />}
      {state.kind === 'ready' && state.letters.length === 0 && (
        <EmptyState icon="check" title="Nothing sent yet.">
          {filter ? `No letters for ${filter}.` : 'Sign up, invite someone or ask for a password reset, then refresh.'}
        </EmptyState>
      )}
      {state.kind === 'ready' && state.letters.length > 0 && (
        <ul data-testid="dev-mailbox" className="flex flex-col gap-3" aria-label="Letters, newest first">
          {state.letters.map((letter) => (
            <li key={letter.id} data-testid="dev-letter" className="rounded-md border border-slate-200 bg-white p-4 text-sm">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <p className="min-w-0 break-words text-slate-700">
                  <span className="mr-2 inline-flex rounded bg-slate-100 px-1.5 py-0.5 text-xs font-medium text-slate-700">
                    {channelLabel(letter.channel)}
                  </span>
                  <span className="sr-only">To </span>
                  <span className="font-medium text-slate-900">{letter.recipient}</span>
                </p>
                <time dateTime={letter.createdAt} className="shrink-0 text-xs tabular-nums text-slate-500">
                  {formatDateTime(letter.createdAt)}
                </time>
              </div>
              {letter.channel !== 'sms' && letter.subject && (
                <p className="mt-2 break-words font-medium text-slate-900">{letter.subject}</p>
              )}
              <p className="mt-2 whitespace-pre-wrap break-words text-slate-700 [overflow-wrap:anywhere]">{letter.body}</p>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
