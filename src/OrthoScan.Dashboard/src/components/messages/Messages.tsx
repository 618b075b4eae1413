'use client';

import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { api } from '@/api/client';
import { asApiError, type ApiError } from '@/api/errors';
import type { Message, MessageThread } from '@/api/types';
import { Button, EmptyState, ErrorState, LoadMore, ProblemAlert, Skeleton, cx } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { useCursorPages } from '@/lib/useCursorPages';
import { newIdempotencyKey } from '@/lib/idempotency';

export const maxMessageLength = 4000;

const senderWords: Record<Message['senderType'], string> = { doctor: 'Doctor', staff: 'Staff', patient: 'Patient', system: 'OrthoScan' };

function ThreadList({ threads, selected, onSelect }: { threads: MessageThread[]; selected: string | null; onSelect: (t: MessageThread) => void }) {
  return (
    <ul aria-label="Conversations" className="flex flex-col divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
      {threads.map((t) => (
        <li key={t.id}>
          <button
            type="button"
            onClick={() => onSelect(t)}
            aria-current={t.patientId === selected ? 'true' : undefined}
            className={cx('flex w-full flex-col gap-0.5 px-4 py-3 text-left hover:bg-slate-50', t.patientId === selected && 'bg-accent-50')}
          >
            <span className="flex items-center justify-between gap-2">
              <span className="text-sm font-medium text-slate-900">{t.patientName}</span>
              {t.unread > 0 && (
                <span className="rounded-full bg-accent-600 px-2 py-0.5 text-xs font-semibold text-white" aria-label={`${t.unread} unread`}>
                  {t.unread}
                </span>
              )}
            </span>
            <span className="truncate text-xs text-slate-500">{t.lastMessage ?? 'No messages yet'}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function Conversation({ messages }: { messages: Message[] }) {
  if (messages.length === 0) return <p className="text-sm text-slate-600">No messages yet. Write the first one below.</p>;
  // The API answers newest first; a conversation reads top to bottom.
  return (
    <ol aria-label="Messages" className="flex flex-col gap-3">
      {[...messages].reverse().map((m) => {
        const fromPatient = m.senderType === 'patient';
        return (
          <li key={m.id} className={cx('flex flex-col gap-1', fromPatient ? 'items-start' : 'items-end')}>
            <div className={cx('max-w-prose whitespace-pre-wrap rounded-lg px-3 py-2 text-sm', fromPatient ? 'bg-slate-100 text-slate-900' : 'bg-accent-600 text-white')}>
              {m.content}
            </div>
            {m.attachments.map((a) => a.url && (
              // eslint-disable-next-line @next/next/no-img-element -- signed photo URLs that expire; the static export has no image optimiser
              <img key={a.imageId} src={a.url} alt={`Scan view ${a.imageType.replace('_', ' ')}`} className="h-32 rounded border border-slate-200" />
            ))}
            <span className="text-xs text-slate-500">{m.senderName ?? senderWords[m.senderType]} · {formatDateTime(m.createdAt)}</span>
          </li>
        );
      })}
    </ol>
  );
}

function Composer({ patientId, onSent }: { patientId: string; onSent: (m: Message) => void }) {
  const [text, setText] = useState('');
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  async function send(event?: FormEvent) {
    event?.preventDefault();
    if (!text.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      // The draft keeps its key until it is sent, so pressing Send again after a lost answer never sends it twice.
      const sent = await api.sendMessage({ patientId, content: text, attachmentImageId: null }, key);
      setText('');
      setKey(newIdempotencyKey());
      onSent(sent);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) void send();
  }

  return (
    <form onSubmit={send} className="flex flex-col gap-2 border-t border-slate-200 pt-4">
      {error && <ProblemAlert error={error} />}
      <label htmlFor="message-text" className="text-sm font-medium text-slate-700">Message</label>
      <textarea
        id="message-text"
        value={text}
        maxLength={maxMessageLength}
        rows={3}
        onChange={(e) => { setText(e.target.value); setKey(newIdempotencyKey()); }}
        onKeyDown={onKeyDown}
        className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-accent-500 focus:outline-none focus:ring-2 focus:ring-accent-200"
        placeholder="Write to the patient. Plain words: the app shows it as you type it."
      />
      <div className="flex items-center justify-between">
        <span className="text-xs text-slate-500">{text.length} / {maxMessageLength} · Ctrl+Enter sends</span>
        <Button type="submit" busy={busy} disabled={!text.trim()}>Send</Button>
      </div>
    </form>
  );
}

function ThreadPane({ thread, patientId, onRead, onSent }: {
  thread: MessageThread | null; patientId: string; onRead: (threadId: string) => void; onSent: () => void;
}) {
  const [version, setVersion] = useState(0);
  const messages = useCursorPages(
    (cursor, signal) => (thread ? api.getThread(thread.id, cursor, signal) : Promise.resolve({ items: [], nextCursor: null })),
    `thread-${thread?.id ?? 'none'}-${version}`);

  // Opening a thread reads the patient's messages: each is marked read once, and the list's badge clears.
  const marked = useRef(new Set<string>());
  const reported = useRef(onRead);
  reported.current = onRead;
  useEffect(() => {
    const unread = messages.items.filter((m) => m.senderType === 'patient' && !m.readAt && !marked.current.has(m.id));
    if (!thread || unread.length === 0) return;
    unread.forEach((m) => marked.current.add(m.id));
    void Promise.allSettled(unread.map((m) => api.markMessageRead(m.id))).then(() => reported.current(thread.id));
  }, [messages.items, thread]);

  return (
    <section aria-label="Conversation" className="flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4">
      {thread && messages.loading && messages.items.length === 0 && <Skeleton className="h-32" />}
      {thread && messages.error && <ErrorState error={messages.error} onRetry={messages.reload} />}
      {/* Pages go back in time: older messages load above the ones shown. */}
      {thread && <LoadMore hasMore={messages.hasMore} error={messages.moreError} busy={messages.loadingMore} onLoadMore={() => void messages.loadMore()} />}
      {thread && !messages.error && (!messages.loading || messages.items.length > 0) && <Conversation messages={messages.items} />}
      {!thread && <p className="text-sm text-slate-600">No messages with this patient yet. Write the first one below.</p>}
      <Composer patientId={patientId} onSent={() => { setVersion((v) => v + 1); onSent(); }} />
    </section>
  );
}

/** The practice's conversations: one per patient, unread counts, the open thread and a composer. */
export function Messages({ initialPatientId = null }: { initialPatientId?: string | null }) {
  const [version, setVersion] = useState(0);
  const threads = useCursorPages((cursor, signal) => api.listThreads(cursor, signal), `threads-${version}`);
  const [selected, setSelected] = useState<string | null>(initialPatientId);
  const [readThreads, setReadThreads] = useState<Set<string>>(new Set());

  if (threads.loading && threads.items.length === 0) return <Skeleton className="h-64 rounded-lg" />;
  if (threads.error) return <ErrorState error={threads.error} onRetry={threads.reload} />;
  const items = threads.items.map((t) => (readThreads.has(t.id) ? { ...t, unread: 0 } : t));
  const current = items.find((t) => t.patientId === selected) ?? null;

  if (items.length === 0 && !selected) {
    return (
      <EmptyState icon="user" title="No conversations yet">
        Open a patient and choose Message to write to them. Their replies from the app appear here.
      </EmptyState>
    );
  }

  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <div className="lg:col-span-1">
        {items.length > 0 ? (
          <div className="flex flex-col gap-3">
            <ThreadList threads={items} selected={selected} onSelect={(t) => setSelected(t.patientId)} />
            <LoadMore hasMore={threads.hasMore} error={threads.moreError} busy={threads.loadingMore} onLoadMore={() => void threads.loadMore()} />
          </div>
        ) : <p className="text-sm text-slate-600">No other conversations yet.</p>}
      </div>
      <div className="lg:col-span-2">
        {selected ? (
          <ThreadPane
            key={selected}
            thread={current}
            patientId={selected}
            onRead={(id) => setReadThreads((s) => new Set(s).add(id))}
            onSent={() => setVersion((v) => v + 1)}
          />
        ) : (
          <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">Choose a conversation.</p>
        )}
      </div>
    </div>
  );
}
