'use client';

import { useEffect, useRef, useState } from 'react';
import { api } from '@/api/client';
import type { Message, MessageThread } from '@/api/types';
import { EmptyState, ErrorState, LoadMore, Skeleton, cx } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { useCursorPages } from '@/lib/useCursorPages';
import { useLiveThreads, type LiveStatus } from '@/lib/useLiveThreads';
import { Composer } from './Composer';


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

function ThreadPane({ thread, patientId, liveVersion, onRead, onSent }: {
  thread: MessageThread | null; patientId: string; liveVersion: number; onRead: (threadId: string) => void; onSent: () => void;
}) {
  const [version, setVersion] = useState(0);
  const messages = useCursorPages(
    (cursor, signal) => (thread ? api.getThread(thread.id, cursor, signal) : Promise.resolve({ items: [], nextCursor: null })),
    `thread-${thread?.id ?? 'none'}-${version}-${liveVersion}`);

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

/** Whether replies show up by themselves; when not, the page still shows what is stored each time it loads. */
function LiveNote({ status }: { status: LiveStatus }) {
  return (
    <p role="status" data-testid="live-status" data-status={status} className="flex items-center gap-2 text-xs text-slate-500">
      <span aria-hidden="true" className={cx('h-2 w-2 rounded-full', status === 'live' ? 'bg-emerald-500' : 'bg-amber-400')} />
      {status === 'live' ? 'New messages appear as they arrive.' : status === 'connecting' ? 'Connecting for new messages…' : 'Reconnecting: new messages appear once the connection is back.'}
    </p>
  );
}

/** The practice's conversations: one per patient, unread counts, the open thread and a composer. */
export function Messages({ initialPatientId = null }: { initialPatientId?: string | null }) {
  const [version, setVersion] = useState(0);
  const threads = useCursorPages((cursor, signal) => api.listThreads(cursor, signal), `threads-${version}`);
  const [selected, setSelected] = useState<string | null>(initialPatientId);
  const [readThreads, setReadThreads] = useState<Set<string>>(new Set());
  const [liveVersion, setLiveVersion] = useState(0);
  const open = useRef(selected);
  open.current = selected;

  // A reply or a read elsewhere: the list and the open conversation fetch again (null: back online, anything may have changed).
  const live = useLiveThreads((change) => {
    setVersion((v) => v + 1);
    if (!change || change.patientId === open.current) setLiveVersion((v) => v + 1);
    else setReadThreads((read) => {
      if (!read.has(change.threadId)) return read;
      const next = new Set(read);
      next.delete(change.threadId);
      return next;
    });
  });

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
    <div className="flex flex-col gap-3">
      <LiveNote status={live} />
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
              liveVersion={liveVersion}
              onRead={(id) => setReadThreads((s) => new Set(s).add(id))}
              onSent={() => setVersion((v) => v + 1)}
            />
          ) : (
            <p className="rounded-lg border border-dashed border-slate-300 bg-white p-6 text-sm text-slate-600">Choose a conversation.</p>
          )}
        </div>
      </div>
    </div>
  );
}
