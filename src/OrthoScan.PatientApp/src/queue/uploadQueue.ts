import { ApiError, type ApiClient } from '../api/client';
import { allViews, type ImageType, type ScanSession, type UploadGrant } from '../api/types';
import { apiBaseUrl } from '../config';
import type { Photo } from '../capture/machine';

/** Where the queue keeps itself: AsyncStorage in the app (the phone's disk; localStorage on the web build). */
export interface KeyValueStore {
  getItem(key: string): Promise<string | null>;
  setItem(key: string, value: string): Promise<void>;
  removeItem(key: string): Promise<void>;
}

/** A scan on its way: saved on the device first, then sent step by step, each step recorded as it succeeds. */
export interface QueuedScan {
  /** Also the session's Idempotency-Key: every retry of the creation answers the same session. */
  id: string;
  alignerNumber: number;
  views: ImageType[];
  /** The server's session, once created; given from the start for a retake of an existing session. */
  sessionId: string | null;
  uploaded: ImageType[];
  createdAt: string;
  /** Why the last try stopped, for the patient to read; null while nothing went wrong. */
  problem: string | null;
}

export interface QueueStatus {
  scans: number;
  photosWaiting: number;
  sending: boolean;
  /** The network was not there on the last try. */
  offline: boolean;
  problem: string | null;
}

const indexKey = 'queue:index';
const itemKey = (id: string) => `queue:item:${id}`;
const photoKey = (id: string, view: ImageType) => `queue:photo:${id}:${view}`;

export type PutBytes = (url: string, headers: Record<string, string>, bytes: Uint8Array) => Promise<Response>;

const putWithFetch: PutBytes = (url, headers, bytes) =>
  fetch(url.startsWith('/') ? apiBaseUrl + url : url, { method: 'PUT', headers, body: bytes as unknown as BodyInit });

export interface UploaderOptions {
  client: ApiClient;
  store: KeyValueStore;
  putBytes?: PutBytes;
  newId: () => string;
  now?: () => Date;
  onChange?: (status: QueueStatus) => void;
  /** Called with each session once it is submitted. */
  onSubmitted?: (session: ScanSession) => void;
  /** Waits before the next try; injectable so tests need not sleep. */
  schedule?: (retry: () => void, delayMs: number) => () => void;
}

const backoffMs = [1_000, 2_000, 5_000, 10_000, 30_000];

/**
 * The offline-first upload queue: a scan is written to the device before anything is sent, then created (one
 * Idempotency-Key per scan, so a retry never makes a second session), uploaded photo by photo through pre-signed
 * links and submitted. A failure of the network or the server keeps everything and tries again with backoff; the
 * queue resumes where it stopped after an app restart. One drain runs at a time.
 */
export function createUploader(options: UploaderOptions) {
  const { client, store } = options;
  const putBytes = options.putBytes ?? putWithFetch;
  const schedule = options.schedule ?? ((retry, delay) => {
    const timer = setTimeout(retry, delay);
    return () => clearTimeout(timer);
  });
  let draining: Promise<void> | null = null;
  let failures = 0;
  let cancelRetry: (() => void) | null = null;
  let offline = false;

  async function ids(): Promise<string[]> {
    return JSON.parse((await store.getItem(indexKey)) ?? '[]') as string[];
  }

  async function items(): Promise<QueuedScan[]> {
    const found: QueuedScan[] = [];
    for (const id of await ids()) {
      const raw = await store.getItem(itemKey(id));
      if (raw) found.push(JSON.parse(raw) as QueuedScan);
    }
    return found;
  }

  async function status(): Promise<QueueStatus> {
    const queued = await items();
    return {
      scans: queued.length,
      photosWaiting: queued.reduce((n, s) => n + s.views.length - s.uploaded.length, 0),
      sending: draining !== null,
      offline,
      problem: queued.find((s) => s.problem)?.problem ?? null,
    };
  }

  async function notify() {
    options.onChange?.(await status());
  }

  async function save(scan: QueuedScan) {
    await store.setItem(itemKey(scan.id), JSON.stringify(scan));
  }

  /** Saves a captured scan on the device (photos first, then the entry that names them) and starts sending it. */
  async function enqueue(photos: Partial<Record<ImageType, Photo>>, alignerNumber: number, sessionId: string | null = null) {
    const id = options.newId();
    const views = (sessionId ? Object.keys(photos) : allViews) as ImageType[];
    for (const view of views) {
      const photo = photos[view];
      if (!photo) throw new Error(`No photo for ${view}`);
      await store.setItem(photoKey(id, view), photo.base64);
    }
    const scan: QueuedScan = {
      id, alignerNumber, views, sessionId, uploaded: [], createdAt: (options.now?.() ?? new Date()).toISOString(), problem: null,
    };
    await save(scan);
    await store.setItem(indexKey, JSON.stringify([...(await ids()), id]));
    await notify();
    void kick();
    return id;
  }

  async function send(scan: QueuedScan) {
    if (!scan.sessionId) {
      const session = await client.request<ScanSession>('/api/v1/scans/sessions', {
        method: 'POST', headers: { 'Idempotency-Key': scan.id }, body: { alignerNumber: scan.alignerNumber, views: allViews },
      });
      scan.sessionId = session.id;
      await save(scan);
    }
    for (const view of scan.views) {
      if (scan.uploaded.includes(view)) continue;
      const base64 = await store.getItem(photoKey(scan.id, view));
      if (base64 === null) throw new Error(`The ${view} photo is missing on this device.`);
      const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      try {
        const grant = await client.request<UploadGrant>('/api/v1/scans/upload-url', {
          method: 'POST', body: { sessionId: scan.sessionId, imageType: view, contentType: 'image/jpeg', contentLength: bytes.length },
        });
        let response: Response;
        try {
          response = await putBytes(grant.url, grant.headers, bytes);
        } catch {
          throw new ApiError(0, 'No connection');
        }
        if (!response.ok) throw new ApiError(response.status, `The photo upload answered ${response.status}.`);
      } catch (error) {
        // Sent before the app died, and the server already has it: nothing to send again.
        if (!(error instanceof ApiError && error.status === 409 && scan.sessionId)) throw error;
      }
      scan.uploaded.push(view);
      await save(scan);
      await notify();
    }
    let session: ScanSession;
    try {
      session = await client.request<ScanSession>(`/api/v1/scans/sessions/${scan.sessionId}/submit`, { method: 'POST' });
    } catch (error) {
      // Submitted by an earlier try whose answer was lost: the server moved on, so it is the session as it is now.
      if (!(error instanceof ApiError && error.status === 409)) throw error;
      session = await client.request<ScanSession>(`/api/v1/scans/sessions/${scan.sessionId}`);
    }
    for (const view of scan.views) await store.removeItem(photoKey(scan.id, view));
    await store.setItem(indexKey, JSON.stringify((await ids()).filter((id) => id !== scan.id)));
    await store.removeItem(itemKey(scan.id));
    options.onSubmitted?.(session);
  }

  async function drain() {
    for (const scan of await items()) {
      try {
        await send(scan);
        offline = false;
        failures = 0;
      } catch (error) {
        const retryable = !(error instanceof ApiError) || error.status === 0 || error.status === 408 || error.status === 429 || error.status >= 500;
        offline = error instanceof ApiError && error.offline;
        scan.problem = offline ? null : error instanceof Error ? error.message : String(error);
        await save(scan);
        if (retryable) {
          const delay = backoffMs[Math.min(failures, backoffMs.length - 1)];
          failures++;
          cancelRetry = schedule(() => void kick(), delay);
        }
        return;
      }
    }
  }

  /** Sends what waits, now: at start, when the network returns, after a capture. Joins a drain already running. */
  function kick(): Promise<void> {
    cancelRetry?.();
    cancelRetry = null;
    draining ??= (async () => {
      await notify();
      try {
        await drain();
      } finally {
        draining = null;
        await notify();
      }
    })();
    return draining;
  }

  return { enqueue, kick, status, items };
}

export type Uploader = ReturnType<typeof createUploader>;
