import { apiBaseUrl } from '../config';
import type { AccessGrant } from './types';

/** A refusal from the API, read from its problem details: `status` 0 means the network was not there. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fieldErrors: Record<string, string[]> = {},
  ) {
    super(message);
  }

  get offline(): boolean {
    return this.status === 0;
  }
}

/** What the client needs from the signed-in device: its refresh token, and a way to keep the rotated one. */
export interface Credentials {
  refreshToken: string;
  deviceId: string;
}

export interface ClientOptions {
  baseUrl?: string;
  fetch?: typeof fetch;
  loadCredentials: () => Promise<Credentials | null>;
  saveRefreshToken: (token: string) => Promise<void>;
  /** The sign-in is gone (revoked, expired, erased): the app returns to the sign-in screen. */
  onSignedOut: () => void;
}

export type RequestOptions = { method?: string; body?: unknown; headers?: Record<string, string>; anonymous?: boolean };

/**
 * Every call of the app: JSON in and out, the bearer token added, a 401 answered by one refresh (shared by the calls
 * that raced into it) and a retry; network failures become ApiError with status 0 so callers can queue.
 */
export function createClient(options: ClientOptions) {
  const base = options.baseUrl ?? apiBaseUrl;
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  let accessToken: string | null = null;
  let refreshing: Promise<string | null> | null = null;

  async function send(path: string, request: RequestOptions, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...request.headers };
    if (request.body !== undefined) headers['Content-Type'] = 'application/json';
    if (token && !request.anonymous) headers.Authorization = `Bearer ${token}`;
    try {
      return await doFetch(base + path, {
        method: request.method ?? 'GET',
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
    } catch {
      throw new ApiError(0, 'No connection');
    }
  }

  async function refresh(): Promise<string | null> {
    const credentials = await options.loadCredentials();
    if (!credentials) return null;
    const response = await send('/api/v1/auth/refresh', { method: 'POST', body: credentials, anonymous: true }, null);
    if (response.status === 401 || response.status === 400) {
      options.onSignedOut();
      return null;
    }
    if (!response.ok) throw await problemOf(response);
    const grant = (await response.json()) as AccessGrant;
    if (grant.refreshToken) await options.saveRefreshToken(grant.refreshToken);
    accessToken = grant.accessToken;
    return accessToken;
  }

  function refreshOnce(): Promise<string | null> {
    refreshing ??= refresh().finally(() => {
      refreshing = null;
    });
    return refreshing;
  }

  async function request<T>(path: string, request: RequestOptions = {}): Promise<T> {
    const sentWith = request.anonymous ? null : await freshToken();
    let response = await send(path, request, sentWith);
    if (response.status === 401 && !request.anonymous) {
      // Another call may have refreshed while this one was out: use its token rather than rotating again.
      const fresh = accessToken !== sentWith ? accessToken : await refreshOnce();
      if (!fresh) throw new ApiError(401, 'Signed out');
      response = await send(path, request, fresh);
    }
    if (!response.ok) throw await problemOf(response);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /**
   * A token with at least 30 s to live: every call's (so an expiring one is renewed before, not after, a 401) and the
   * live connection's (its URL carries it; the hub closes at expiry).
   */
  async function freshToken(): Promise<string> {
    if (!accessToken || expiresWithin(accessToken, 30)) await refreshOnce();
    return accessToken ?? '';
  }

  return {
    request,
    freshToken,
    /** Starts a sign-in from an activation: the access token is kept in memory only. */
    useAccessToken(token: string | null) {
      accessToken = token;
    },
  };
}

export type ApiClient = ReturnType<typeof createClient>;

/** Whether a JWT expires within the seconds given; one whose expiry cannot be read is used as is (a 401 renews it). */
function expiresWithin(token: string, seconds: number): boolean {
  try {
    const payload = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/'))) as { exp?: number };
    return typeof payload.exp === 'number' && payload.exp * 1000 - Date.now() < seconds * 1000;
  } catch {
    return false;
  }
}

async function problemOf(response: Response): Promise<ApiError> {
  try {
    const problem = (await response.json()) as { title?: string; detail?: string; errors?: Record<string, string[]> };
    return new ApiError(response.status, problem.detail ?? problem.title ?? `HTTP ${response.status}`, problem.errors ?? {});
  } catch {
    return new ApiError(response.status, `HTTP ${response.status}`);
  }
}
