'use client';

import {
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
  type FormEvent,
  type KeyboardEvent,
} from 'react';
import { api } from '@/api/client';
import { asApiError, type ApiError } from '@/api/errors';
import type { ImageType, Message, TimelineItem } from '@/api/types';
import { Icon } from '@/components/icons';
import { Button, ProblemAlert, Skeleton, cx } from '@/components/ui';
import { formatDate } from '@/lib/format';
import { newIdempotencyKey } from '@/lib/idempotency';
import { imageTypeLabels } from '@/lib/outcome';

const maxMessageLength = 4000;

/** One of the patient's scan photos that a message may show (`attachmentImageId`); `url` is a signed thumbnail. */
export interface ComposerPhoto {
  imageId: string;
  imageType: ImageType;
  url: string;
}

/** Photos of one scan in the picker; `label` names the scan (none when the caller gave the photos). */
interface PhotoGroup {
  label: string | null;
  photos: ComposerPhoto[];
}

interface Attachment {
  photo: ComposerPhoto;
  scan: string | null;
}

/** The newest scans offered in the picker when the composer loads the photos itself. */
const SCANS_OFFERED = 3;

type Loaded =
  | { status: 'idle' | 'loading' }
  | { status: 'failed'; error: ApiError }
  | { status: 'ready'; groups: PhotoGroup[] };

function groupsOf(sessions: TimelineItem[]): PhotoGroup[] {
  return sessions
    .map((s) => ({
      label: `Aligner ${s.alignerNumber} · ${formatDate(s.submittedAt ?? s.createdAt)}`,
      photos: s.images.flatMap((i) => (i.urls ? [{ imageId: i.id, imageType: i.imageType, url: i.urls.thumbnail }] : [])),
    }))
    .filter((g) => g.photos.length > 0)
    .slice(0, SCANS_OFFERED);
}

const photoName = (photo: ComposerPhoto, scan: string | null) =>
  `${imageTypeLabels[photo.imageType]}${scan ? `, ${scan.toLowerCase()}` : ''}`;

/**
 * A small picker of the patient's scan photos, under the "Attach a photo" button. Arrow keys move between the
 * photos, Enter or Space chooses one, Escape closes it and hands the focus back to the button.
 */
function PhotoPicker({ id, groups, status, error, chosen, onChoose, onClose, onRetry }: {
  id: string;
  groups: PhotoGroup[];
  status: Loaded['status'];
  error: ApiError | null;
  chosen: string | null;
  onChoose: (attachment: Attachment) => void;
  onClose: () => void;
  onRetry: () => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const buttons = () => [...(ref.current?.querySelectorAll<HTMLButtonElement>('button[data-image]') ?? [])];

  // The focus goes into the picker at once, and onto the chosen (or first) photo as soon as the photos are there.
  useEffect(() => {
    const picker = ref.current;
    if (!picker) return;
    if (picker.contains(document.activeElement) && document.activeElement !== picker) return;
    const all = buttons();
    (all.find((b) => b.dataset.image === chosen) ?? all[0] ?? picker).focus();
  }, [status, chosen]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
      return;
    }
    const delta = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
    if (delta === 0) return;
    const all = buttons();
    if (all.length === 0) return;
    e.preventDefault();
    const at = all.indexOf(document.activeElement as HTMLButtonElement);
    all[at < 0 ? 0 : (at + delta + all.length) % all.length].focus();
  }

  return (
    // A small non-modal popover: Escape (handled here) closes it, a click elsewhere too.
    // eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions -- the dialog handles its own Escape and arrow keys
    <div
      ref={ref}
      id={id}
      role="dialog"
      aria-label="Choose a photo to attach"
      tabIndex={-1}
      onKeyDown={onKeyDown}
      className="flex max-h-72 flex-col gap-3 overflow-y-auto rounded-md border border-slate-200 bg-white p-3 shadow-lg focus:outline-none"
    >
      {(status === 'loading' || status === 'idle') && (
        <div className="flex gap-2" aria-hidden="true">
          {Array.from({ length: 5 }).map((_, i) => <Skeleton key={i} className="h-14 w-16 rounded" />)}
        </div>
      )}
      {status === 'loading' && <p className="sr-only" role="status">Loading the patient&apos;s photos…</p>}
      {status === 'failed' && error && (
        <div role="alert" className="flex items-center justify-between gap-2 text-sm text-red-700">
          <span>{error.title}</span>
          <Button variant="secondary" size="sm" onClick={onRetry}>Retry</Button>
        </div>
      )}
      {status === 'ready' && groups.length === 0 && (
        <p className="text-sm text-slate-600">No scan photos to attach yet. They appear here once the patient sends a scan.</p>
      )}
      {status === 'ready' && groups.map((group, g) => (
        <div key={group.label ?? g} className="flex flex-col gap-1.5">
          {group.label && <p className="text-xs font-medium text-slate-600">{group.label}</p>}
          <ul className="flex flex-wrap gap-2" aria-label={group.label ?? 'Photos of this scan'}>
            {group.photos.map((photo) => {
              const name = photoName(photo, group.label);
              const selected = photo.imageId === chosen;
              return (
                <li key={photo.imageId}>
                  <button
                    type="button"
                    data-image={photo.imageId}
                    aria-pressed={selected}
                    aria-label={`Attach ${name}`}
                    title={name}
                    onClick={() => onChoose({ photo, scan: group.label })}
                    className={cx(
                      'relative block h-14 w-16 overflow-hidden rounded bg-slate-100 ring-1 ring-slate-200 hover:ring-accent-600',
                      'focus:outline-none focus:ring-2 focus:ring-accent-600 focus:ring-offset-1',
                      selected && 'ring-2 ring-accent-700',
                    )}
                  >
                    {/* eslint-disable-next-line @next/next/no-img-element -- signed thumbnail URLs that expire; the static export has no image optimiser */}
                    <img src={photo.url} alt="" className="h-full w-full object-cover" loading="lazy" draggable={false} />
                    <span className="absolute inset-x-0 bottom-0 truncate bg-white/85 px-0.5 text-center text-[10px] leading-4 text-slate-800" aria-hidden="true">
                      {imageTypeLabels[photo.imageType]}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </div>
      ))}
      <p className="text-xs text-slate-500">Arrow keys move, Enter attaches, Esc closes.</p>
    </div>
  );
}

/**
 * Writes one message to a patient, optionally with one of their scan photos. Text is required (the API refuses an
 * empty message, photo or not). Every draft has its own Idempotency-Key: a retry of the same text and photo reuses
 * it, while any change to either takes a new one. Ctrl+Enter sends.
 *
 * `photos` offers exactly those photos (the review screen gives the scan's); without it the composer asks the API
 * for the patient's newest scans when the picker first opens.
 */
export function Composer({ patientId, onSent, photos, className }: {
  patientId: string;
  onSent: (m: Message) => void;
  photos?: ComposerPhoto[];
  /** Replaces the default frame (a rule above, as under a conversation). */
  className?: string;
}) {
  const [text, setText] = useState('');
  const [key, setKey] = useState(newIdempotencyKey);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [attachment, setAttachment] = useState<Attachment | null>(null);
  const [pickerOpen, setPickerOpen] = useState(false);
  const [loaded, setLoaded] = useState<Loaded>({ status: 'idle' });
  const textId = useId();
  const pickerId = useId();
  const textRef = useRef<HTMLTextAreaElement>(null);
  const attachRef = useRef<HTMLButtonElement>(null);
  const pickerBox = useRef<HTMLDivElement>(null);

  const load = useCallback(() => {
    setLoaded({ status: 'loading' });
    api.listPatientSessions(patientId, null).then(
      (page) => setLoaded({ status: 'ready', groups: groupsOf(page.items) }),
      (e: unknown) => setLoaded({ status: 'failed', error: asApiError(e) }),
    );
  }, [patientId]);

  useEffect(() => {
    if (pickerOpen && !photos && loaded.status === 'idle') load();
  }, [pickerOpen, photos, loaded.status, load]);

  // A press outside the picker (and its button) closes it.
  useEffect(() => {
    if (!pickerOpen) return;
    const onDown = (e: MouseEvent) => {
      const target = e.target as Node;
      if (!pickerBox.current?.contains(target) && !attachRef.current?.contains(target)) setPickerOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [pickerOpen]);

  const groups: PhotoGroup[] = photos ? [{ label: null, photos }] : loaded.status === 'ready' ? loaded.groups : [];
  const status: Loaded['status'] = photos ? 'ready' : loaded.status;

  /** A different photo (or none) is a different message: it gets a new key, like a change of the text. */
  function attach(next: Attachment | null) {
    if ((next?.photo.imageId ?? null) !== (attachment?.photo.imageId ?? null)) setKey(newIdempotencyKey());
    setAttachment(next);
  }

  function closePicker() {
    setPickerOpen(false);
    attachRef.current?.focus();
  }

  async function send(event?: FormEvent) {
    event?.preventDefault();
    if (!text.trim() || busy) return;
    setBusy(true);
    setError(null);
    try {
      // The draft keeps its key until it is sent, so pressing Send again after a lost answer never sends it twice.
      const sent = await api.sendMessage({ patientId, content: text, attachmentImageId: attachment?.photo.imageId ?? null }, key);
      setText('');
      setAttachment(null);
      setKey(newIdempotencyKey());
      onSent(sent);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      void send();
    }
  }

  const attachmentError = error?.fieldErrors.attachmentImageId?.join(' ');

  return (
    <form onSubmit={send} className={className ?? 'flex flex-col gap-2 border-t border-slate-200 pt-4'}>
      {error && <ProblemAlert error={error} />}
      <div className="flex items-center justify-between gap-2">
        <label htmlFor={textId} className="text-sm font-medium text-slate-700">Message</label>
        <Button
          ref={attachRef}
          variant="ghost"
          size="sm"
          aria-haspopup="dialog"
          aria-expanded={pickerOpen}
          aria-controls={pickerOpen ? pickerId : undefined}
          onClick={() => (pickerOpen ? closePicker() : setPickerOpen(true))}
        >
          <Icon name="photo" width={14} height={14} />
          Attach a photo
        </Button>
      </div>
      {pickerOpen && (
        <div ref={pickerBox}>
          <PhotoPicker
            id={pickerId}
            groups={groups}
            status={status}
            error={loaded.status === 'failed' ? loaded.error : null}
            chosen={attachment?.photo.imageId ?? null}
            onChoose={(next) => {
              attach(next);
              setPickerOpen(false);
              textRef.current?.focus();
            }}
            onClose={closePicker}
            onRetry={load}
          />
        </div>
      )}
      {attachment && (
        <div className="flex items-center gap-2" data-testid="message-attachment">
          <span className="relative h-14 w-16 shrink-0 overflow-hidden rounded ring-1 ring-slate-200">
            {/* eslint-disable-next-line @next/next/no-img-element -- signed thumbnail URLs that expire; the static export has no image optimiser */}
            <img src={attachment.photo.url} alt={`Attached: ${photoName(attachment.photo, attachment.scan)}`} className="h-full w-full object-cover" />
          </span>
          <span className="min-w-0 flex-1 truncate text-xs text-slate-600">{photoName(attachment.photo, attachment.scan)}</span>
          <button
            type="button"
            aria-label="Remove the attached photo"
            className="flex h-7 w-7 items-center justify-center rounded-md text-slate-600 hover:bg-slate-100 hover:text-slate-900"
            onClick={() => {
              attach(null);
              attachRef.current?.focus();
            }}
          >
            <span aria-hidden="true" className="text-base leading-none">×</span>
          </button>
        </div>
      )}
      {attachmentError && <p className="text-xs text-red-700">{attachmentError}</p>}
      <textarea
        ref={textRef}
        id={textId}
        value={text}
        maxLength={maxMessageLength}
        rows={3}
        onChange={(e) => { setText(e.target.value); setKey(newIdempotencyKey()); }}
        onKeyDown={onKeyDown}
        className="w-full rounded-md border border-slate-300 px-3 py-2 text-sm focus:border-accent-500 focus:outline-none focus:ring-2 focus:ring-accent-200"
        placeholder={attachment ? 'Say what the patient should look at in the photo.' : 'Write to the patient. Plain words: the app shows it as you type it.'}
      />
      <div className="flex items-center justify-between">
        <span className="text-xs text-slate-500">{text.length} / {maxMessageLength} · Ctrl+Enter sends</span>
        <Button type="submit" busy={busy} disabled={!text.trim()}>Send</Button>
      </div>
    </form>
  );
}
