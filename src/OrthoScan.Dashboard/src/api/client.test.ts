import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tokenStore } from '@/auth/tokenStore';
import { api, refreshSession, request, setSessionExpiredHandler } from './client';
import { ApiError } from './errors';
import { json, mockFetch, problem } from '@/test/http';

beforeEach(() => tokenStore.set('old-token'));
afterEach(() => {
  tokenStore.clear();
  setSessionExpiredHandler(null);
  vi.unstubAllGlobals();
});

async function caught(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (e) {
    return e as ApiError;
  }
  throw new Error('expected the call to fail');
}

describe('error mapping', () => {
  it('maps a validation problem to status, title, detail and per-field errors', async () => {
    mockFetch(() =>
      problem(400, {
        type: 'https://orthoscan.app/problems/validation',
        title: 'The request has invalid fields.',
        detail: 'See errors for each field.',
        errors: { firstName: ["'First Name' must not be empty."], 'Changes.Phone': ['Use the international format, e.g. +14155550123.'] },
      }),
    );

    const error = await caught(api.createPatient({} as never));

    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.title).toBe('The request has invalid fields.');
    expect(error.detail).toBe('See errors for each field.');
    expect(error.slug).toBe('validation');
    expect(error.fieldErrors).toEqual({
      firstName: ["'First Name' must not be empty."],
      phone: ['Use the international format, e.g. +14155550123.'],
    });
  });

  it('never surfaces a raw body: an HTML 502 becomes a readable title', async () => {
    mockFetch(() => new Response('<html><body>Bad gateway from proxy {"x":1}</body></html>', { status: 502, headers: { 'Content-Type': 'text/html' } }));

    const error = await caught(api.getPatient('p1'));

    expect(error.status).toBe(502);
    expect(error.title).toBe('Something went wrong on our side. Try again in a moment.');
    expect(error.detail).toBeNull();
    expect(error.message).not.toContain('<html>');
  });

  it('reads Retry-After on 429 and reports a network failure as status 0', async () => {
    mockFetch(() => problem(429, { title: 'Too many requests', detail: 'Slow down and try again later.' }, { 'Retry-After': '42' }));
    const limited = await caught(api.login({ email: 'a@b.co', password: 'x' }));
    expect(limited.status).toBe(429);
    expect(limited.retryAfter).toBe(42);

    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch'); }));
    const offline = await caught(api.listPatients({}));
    expect(offline.status).toBe(0);
    expect(offline.title).toMatch(/Cannot reach OrthoScan/);
  });
});

describe('bearer token and silent refresh', () => {
  it('sends the memory token as a bearer and builds the list query', async () => {
    const { calls } = mockFetch(() => json(200, { items: [], nextCursor: null }));

    await api.listPatients({ search: '  ana ', status: 'paused', cursor: null, limit: 50 });

    expect(calls).toHaveLength(1);
    expect(calls[0].headers.Authorization).toBe('Bearer old-token');
    expect(calls[0].url).toBe('/api/v1/patients?search=ana&status=paused&limit=50');
  });

  it('on 401 refreshes once with the cookie, then retries the request with the new token', async () => {
    const { calls } = mockFetch((call) => {
      if (call.url === '/api/v1/auth/refresh') return json(200, { accessToken: 'new-token', refreshToken: null, expiresIn: 900 });
      return call.headers.Authorization === 'Bearer new-token'
        ? json(200, { id: 'p1', firstName: 'Ana' })
        : problem(401, { title: 'Unauthorized' });
    });

    const patient = await api.getPatient('p1');

    expect(patient).toEqual({ id: 'p1', firstName: 'Ana' });
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/patients/p1', '/api/v1/auth/refresh', '/api/v1/patients/p1']);
    const refresh = calls[1];
    expect(refresh.method).toBe('POST');
    expect(refresh.headers['X-OrthoScan-Client']).toBe('dashboard');
    expect(refresh.headers.Authorization).toBeUndefined();
    expect(refresh.credentials).toBe('same-origin');
    expect(refresh.body).toEqual({});
    expect(tokenStore.get()).toBe('new-token');
  });

  it('when the refresh is refused, does not retry, drops the token and reports the session as expired', async () => {
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    const { calls } = mockFetch((call) =>
      call.url === '/api/v1/auth/refresh'
        ? problem(401, { type: 'https://orthoscan.app/problems/invalid-refresh-token', title: 'Sign in again.' })
        : problem(401, { title: 'Unauthorized' }),
    );

    const error = await caught(api.getPatient('p1'));

    expect(calls.map((c) => c.url)).toEqual(['/api/v1/patients/p1', '/api/v1/auth/refresh']);
    expect(error.status).toBe(401);
    expect(tokenStore.get()).toBeNull();
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('retries only once: a second 401 after a successful refresh ends the session instead of looping', async () => {
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    const { calls } = mockFetch((call) =>
      call.url === '/api/v1/auth/refresh'
        ? json(200, { accessToken: 'new-token', refreshToken: null, expiresIn: 900 })
        : problem(401, { title: 'Unauthorized' }),
    );

    await expect(api.getPatient('p1')).rejects.toMatchObject({ status: 401 });
    expect(calls).toHaveLength(3);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('shares one refresh between concurrent 401s (refresh tokens rotate; a reuse would revoke the session)', async () => {
    const { calls } = mockFetch(async (call) => {
      if (call.url === '/api/v1/auth/refresh') {
        await new Promise((r) => setTimeout(r, 10));
        return json(200, { accessToken: 'new-token', refreshToken: null, expiresIn: 900 });
      }
      return call.headers.Authorization === 'Bearer new-token' ? json(200, { ok: call.url }) : problem(401, { title: 'Unauthorized' });
    });

    const results = await Promise.all([request('/api/v1/patients/a'), request('/api/v1/patients/b'), request('/api/v1/patients/c')]);

    expect(results).toHaveLength(3);
    expect(calls.filter((c) => c.url === '/api/v1/auth/refresh')).toHaveLength(1);
  });

  it('does not try to refresh on anonymous sign-in steps: a wrong password is just an error', async () => {
    const { calls } = mockFetch(() =>
      problem(401, { type: 'https://orthoscan.app/problems/invalid-credentials', title: 'Email or password is wrong.' }),
    );

    const error = await caught(api.login({ email: 'a@b.co', password: 'wrong' }));

    expect(error.title).toBe('Email or password is wrong.');
    expect(calls).toHaveLength(1);
    expect(calls[0].headers.Authorization).toBeUndefined();
  });

  it('MFA verify asks for the cookie and keeps only the access token, in memory', async () => {
    tokenStore.clear();
    const { calls } = mockFetch(() => json(200, { accessToken: 'fresh', refreshToken: null, expiresIn: 900 }));
    const setItem = vi.spyOn(Storage.prototype, 'setItem');

    await api.verifyMfa({ mfaToken: 'mfa', code: '123456' });

    expect(calls[0].headers['X-OrthoScan-Client']).toBe('dashboard');
    expect(calls[0].credentials).toBe('same-origin');
    expect(tokenStore.get()).toBe('fresh');
    expect(setItem).not.toHaveBeenCalled();
  });

  it('refreshSession answers false without a session cookie', async () => {
    tokenStore.clear();
    mockFetch(() => problem(401, { title: 'Sign in again.' }));
    await expect(refreshSession()).resolves.toBe(false);
  });
});
