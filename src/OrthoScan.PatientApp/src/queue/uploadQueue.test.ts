import { createClient } from '../api/client';
import { allViews } from '../api/types';
import { createUploader, type KeyValueStore, type QueueStatus } from './uploadQueue';

/** The phone's disk, as AsyncStorage gives it: survives an "app restart" (a new uploader on the same store). */
function disk(): KeyValueStore & { keys(): string[] } {
  const data = new Map<string, string>();
  return {
    getItem: async (k) => data.get(k) ?? null,
    setItem: async (k, v) => void data.set(k, v),
    removeItem: async (k) => void data.delete(k),
    keys: () => [...data.keys()],
  };
}

/**
 * The API's side of a scan upload, as the real one behaves (a repeated Idempotency-Key answers the first session),
 * behind a network that can drop requests or lose answers.
 */
function fakeApi() {
  const sessions = new Map<string, { id: string; uploads: string[]; submitted: number }>();
  const log: string[] = [];
  let online = true;
  let loseNextAnswerTo: string | null = null;
  let failAfter = Infinity;

  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    const method = init?.method ?? 'GET';
    if (!online || failAfter-- <= 0) throw new TypeError('Network request failed');
    // What fetch answers, reduced to what the client reads (jsdom has no Response).
    const json = (body: unknown, status = 200) => ({ ok: status < 300, status, json: async () => body }) as unknown as Response;
    let response: Response;
    if (url.endsWith('/auth/refresh')) response = json({ accessToken: 'access', refreshToken: 'rotated', expiresIn: 900 });
    else if (url.endsWith('/scans/sessions') && method === 'POST') {
      const key = (init?.headers as Record<string, string>)['Idempotency-Key'];
      if (!sessions.has(key)) sessions.set(key, { id: `session-${sessions.size + 1}`, uploads: [], submitted: 0 });
      response = json({ id: sessions.get(key)!.id, status: 'pending' }, 201);
    } else if (url.endsWith('/scans/upload-url')) {
      const body = JSON.parse(String(init?.body)) as { sessionId: string; imageType: string };
      response = json({ url: `/blobs/${body.sessionId}/${body.imageType}`, method: 'PUT', headers: { 'Content-Type': 'image/jpeg' } });
    } else if (url.startsWith('/blobs/') && method === 'PUT') {
      const [, , sessionId, view] = url.split('/');
      [...sessions.values()].find((s) => s.id === sessionId)?.uploads.push(view);
      response = json(null);
    } else if (url.endsWith('/submit')) {
      const session = [...sessions.values()].find((s) => url.includes(`/sessions/${s.id}/`))!;
      session.submitted++;
      response = json({ id: session.id, status: 'processing', images: [] });
    } else response = json({ title: 'Not found' }, 404);
    log.push(`${method} ${url.replace(/^.*\/api\/v1/, '')}`);
    if (loseNextAnswerTo && url.endsWith(loseNextAnswerTo)) {
      loseNextAnswerTo = null;
      throw new TypeError('Network request failed');
    }
    return response;
  };

  return {
    fetch,
    sessions,
    log,
    goOffline: () => void (online = false),
    goOnline: () => void (online = true),
    loseAnswerTo: (path: string) => void (loseNextAnswerTo = path),
    dropAfter: (requests: number) => void (failAfter = requests),
  };
}

const photos = Object.fromEntries(allViews.map((v, i) => [v, { base64: btoa(`jpeg-bytes-${i}`), width: 1600, height: 1200 }]));

function app(api: ReturnType<typeof fakeApi>, store: KeyValueStore) {
  const client = createClient({
    baseUrl: '', fetch: api.fetch,
    loadCredentials: async () => ({ refreshToken: 'refresh', deviceId: 'device' }),
    saveRefreshToken: async () => undefined, onSignedOut: () => undefined,
  });
  const statuses: QueueStatus[] = [];
  const retries: (() => void)[] = [];
  let id = 0;
  const uploader = createUploader({
    client, store, newId: () => `scan-${++id}`,
    putBytes: (url, headers, bytes) => api.fetch(url, { method: 'PUT', headers, body: bytes as unknown as BodyInit }),
    onChange: (s) => statuses.push(s),
    schedule: (retry) => {
      retries.push(retry);
      return () => undefined;
    },
  });
  return { uploader, statuses, retries };
}

describe('the offline upload queue', () => {
  it('keeps a scan taken offline, says what waits, and sends it once after a restart when the network is back', async () => {
    const api = fakeApi();
    const store = disk();
    api.goOffline();
    const first = app(api, store);
    await first.uploader.enqueue(photos, 3);
    await first.uploader.kick();

    const waiting = await first.uploader.status();
    expect(waiting).toMatchObject({ scans: 1, photosWaiting: 5, offline: true, problem: null });
    expect(first.retries.length).toBeGreaterThan(0);
    expect(store.keys().filter((k) => k.startsWith('queue:photo:'))).toHaveLength(5);

    // The app is closed and opened again later, online.
    api.goOnline();
    const second = app(api, store);
    await second.uploader.kick();

    expect(api.sessions.size).toBe(1);
    const [session] = [...api.sessions.values()];
    expect(session.uploads.sort()).toEqual([...allViews].sort());
    expect(session.submitted).toBe(1);
    expect(await second.uploader.status()).toMatchObject({ scans: 0, photosWaiting: 0 });
    expect(store.keys().filter((k) => k.startsWith('queue:'))).toEqual(['queue:index']);
  });

  it('reuses the Idempotency-Key when the answer to the creation was lost, so the retry finds the same session', async () => {
    const api = fakeApi();
    const { uploader } = app(api, disk());
    api.loseAnswerTo('/scans/sessions');
    await uploader.enqueue(photos, 4);
    await uploader.kick();
    await uploader.kick();

    expect(api.log.filter((l) => l === 'POST /scans/sessions')).toHaveLength(2);
    expect(api.sessions.size).toBe(1);
    expect([...api.sessions.values()][0]).toMatchObject({ submitted: 1 });
  });

  it('after a connection lost mid-upload, sends only the photos still missing', async () => {
    const api = fakeApi();
    const { uploader, statuses } = app(api, disk());
    // refresh, create, then two photos (grant + PUT each): the third grant fails.
    api.dropAfter(6);
    await uploader.enqueue(photos, 5);
    await uploader.kick();
    expect(statuses.at(-1)).toMatchObject({ photosWaiting: 3, offline: true });

    api.dropAfter(Infinity);
    await uploader.kick();
    const [session] = [...api.sessions.values()];
    expect(session.uploads).toHaveLength(5);
    expect(new Set(session.uploads).size).toBe(5);
    expect(session.submitted).toBe(1);
  });

  it('a retake goes to the existing session with only the views asked for', async () => {
    const api = fakeApi();
    api.sessions.set('earlier', { id: 'session-7', uploads: [], submitted: 1 });
    const { uploader } = app(api, disk());
    await uploader.enqueue({ buccal_l: photos.buccal_l }, 3, 'session-7');
    await uploader.kick();

    expect(api.log.filter((l) => l === 'POST /scans/sessions')).toHaveLength(0);
    expect(api.sessions.get('earlier')).toMatchObject({ uploads: ['buccal_l'], submitted: 2 });
  });

  it('one drain at a time: a patient tapping "try again" while it sends starts nothing twice', async () => {
    const api = fakeApi();
    const { uploader } = app(api, disk());
    await uploader.enqueue(photos, 6);
    await Promise.all([uploader.kick(), uploader.kick(), uploader.kick()]);
    const [session] = [...api.sessions.values()];
    expect(session.uploads).toHaveLength(5);
    expect(session.submitted).toBe(1);
  });
});
