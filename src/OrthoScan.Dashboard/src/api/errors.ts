/** A failed API call, reduced to what a person can read. Never carries the raw response body. */
export class ApiError extends Error {
  readonly status: number;
  readonly title: string;
  readonly detail: string | null;
  /** Field name (camelCase, as the form names it) -> messages. Empty for non-validation problems. */
  readonly fieldErrors: Record<string, string[]>;
  /** The stable problem type, e.g. `https://orthoscan.app/problems/invalid-credentials`. */
  readonly type: string | null;
  /** Seconds from a 429/423 `Retry-After` header, when given. */
  readonly retryAfter: number | null;

  constructor(init: {
    status: number;
    title: string;
    detail?: string | null;
    fieldErrors?: Record<string, string[]>;
    type?: string | null;
    retryAfter?: number | null;
  }) {
    super(init.title);
    this.name = 'ApiError';
    this.status = init.status;
    this.title = init.title;
    this.detail = init.detail ?? null;
    this.fieldErrors = init.fieldErrors ?? {};
    this.type = init.type ?? null;
    this.retryAfter = init.retryAfter ?? null;
  }

  /** The last part of the problem type (`invalid-credentials`), handy for branching. */
  get slug(): string | null {
    return this.type ? (this.type.split('/').pop() ?? null) : null;
  }
}

const fallbackTitles: Record<number, string> = {
  400: 'The request could not be read.',
  401: 'Your session has ended. Sign in again.',
  403: 'Your role may not do this.',
  404: 'Not found.',
  409: 'This conflicts with the current state. Reload and try again.',
  413: 'The request is too large.',
  422: 'The request breaks a rule.',
  423: 'The account is temporarily locked.',
  429: 'Too many requests. Wait a moment and try again.',
};

export function fallbackTitle(status: number): string {
  if (fallbackTitles[status]) return fallbackTitles[status];
  if (status >= 500) return 'Something went wrong on our side. Try again in a moment.';
  return 'The request failed.';
}

/** `Changes.FirstName`, `FirstName` and `firstName` all name the form field `firstName`. */
export function normaliseFieldName(key: string): string {
  const last = key.split('.').pop() ?? key;
  const withoutIndex = last.replace(/\[\d+\]$/, '');
  return withoutIndex.length === 0 ? '' : withoutIndex[0].toLowerCase() + withoutIndex.slice(1);
}

function readFieldErrors(raw: unknown): Record<string, string[]> {
  if (!raw || typeof raw !== 'object') return {};
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const messages = (Array.isArray(value) ? value : [value]).filter((m): m is string => typeof m === 'string' && m.length > 0);
    if (messages.length === 0) continue;
    const field = normaliseFieldName(key);
    out[field] = [...(out[field] ?? []), ...messages];
  }
  return out;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim().length > 0 ? value : null;
}

/** Turns a non-2xx response into an ApiError, reading RFC 9457 problem+json when the body is one. */
export async function toApiError(response: Response): Promise<ApiError> {
  const retryHeader = response.headers.get('Retry-After');
  const retryAfter = retryHeader && /^\d+$/.test(retryHeader) ? Number(retryHeader) : null;
  const contentType = response.headers.get('Content-Type') ?? '';
  let body: Record<string, unknown> | null = null;
  if (/[/+]json\b/i.test(contentType)) {
    try {
      const parsed: unknown = await response.json();
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) body = parsed as Record<string, unknown>;
    } catch {
      body = null;
    }
  }
  return new ApiError({
    status: response.status,
    title: text(body?.title) ?? fallbackTitle(response.status),
    detail: text(body?.detail),
    fieldErrors: readFieldErrors(body?.errors),
    type: text(body?.type),
    retryAfter,
  });
}

export function networkError(): ApiError {
  return new ApiError({ status: 0, title: 'Cannot reach OrthoScan. Check your connection and try again.' });
}

/** Anything thrown into an ApiError, so screens only ever render a title. */
export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError({ status: 0, title: 'Something unexpected happened. Try again.' });
}
