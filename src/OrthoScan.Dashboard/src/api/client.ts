import { tokenStore } from '@/auth/tokenStore';
import { ApiError, networkError, toApiError } from './errors';
import type { components, paths } from './schema';
import type {
  AcceptInvitationBody,
  AccessGrant,
  AiAcceptance,
  AiModel,
  ComplianceResponse,
  DashboardAnalytics,
  DeadJobPage,
  CreatePatientBody,
  EnrollMfaResponse,
  InvitePatientResponse,
  PatientErasure,
  InviteStaffBody,
  InviteStaffResponse,
  LoginBody,
  Message,
  MessagePage,
  MessageThreadPage,
  MfaChallenge,
  Patient,
  PatientChanges,
  PatientPage,
  PracticeSettings,
  PracticeSettingsChanges,
  PracticeSummaryPage,
  PatientStatus,
  Practice,
  PracticeMember,
  RegisterBody,
  RegisterResponse,
  RetriedJob,
  SendMessageBody,
  TagAnalytics,
  TimelinePage,
  VerifyMfaBody,
} from './types';

/** One email or text message kept by the dev mailbox (`GET /dev/mailbox`, local runs only). */
export type DevMailboxLetter = components['schemas']['ListDevMailboxLetter'];

/*
 * A thin fetch wrapper. Requests go to relative URLs: the dashboard is served by the API host on the same origin.
 * - adds `Authorization: Bearer <access token>` from memory;
 * - on a 401, runs ONE silent refresh (shared by concurrent callers) and retries the request once;
 * - turns every failure into an ApiError {status, title, detail, fieldErrors}; raw bodies never reach a screen.
 */

/** Only routes present in the committed OpenAPI snapshot type-check here, so a removed route breaks the build. */
const route = <P extends keyof paths>(path: P): P => path;
const withId = (template: string, id: string) => template.replace('{id}', encodeURIComponent(id));

/** Sent on the calls that set or use the refresh cookie, so the API keeps the refresh token out of the body. */
export const CLIENT_HEADER = 'X-OrthoScan-Client';
export const CLIENT_NAME = 'dashboard';

type Query = Record<string, string | number | null | undefined>;

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  body?: unknown;
  query?: Query;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Send the bearer token and refresh once on 401. Off for the anonymous sign-in steps. Default true. */
  auth?: boolean;
  /** Adds `X-OrthoScan-Client: dashboard` (refresh-cookie calls). */
  dashboardClient?: boolean;
}

let sessionExpiredHandler: (() => void) | null = null;

/** Called when a request was refused with 401 and the silent refresh could not restore the session. */
export function setSessionExpiredHandler(handler: (() => void) | null): void {
  sessionExpiredHandler = handler;
}

function buildUrl(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function send(path: string, options: RequestOptions, token: string | null): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json', ...options.headers };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.dashboardClient) headers[CLIENT_HEADER] = CLIENT_NAME;
  try {
    return await fetch(buildUrl(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: 'same-origin',
      signal: options.signal,
    });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw networkError();
  }
}

async function readBody<T>(response: Response): Promise<T> {
  if (response.status === 204) return undefined as T;
  const contentType = response.headers.get('Content-Type') ?? '';
  if (!/json/i.test(contentType)) return undefined as T;
  try {
    return (await response.json()) as T;
  } catch {
    throw new ApiError({ status: response.status, title: 'The server sent an answer the dashboard could not read.' });
  }
}

let refreshInFlight: Promise<boolean> | null = null;

/**
 * Exchanges the httpOnly refresh cookie for a new access token. Concurrent callers share one request, because
 * the API rotates refresh tokens and treats a second use of the same one as theft.
 */
export function refreshSession(): Promise<boolean> {
  if (!refreshInFlight) {
    refreshInFlight = (async () => {
      try {
        const response = await send(route('/api/v1/auth/refresh'), { method: 'POST', body: {}, dashboardClient: true }, null);
        if (!response.ok) {
          tokenStore.clear();
          return false;
        }
        const grant = await readBody<AccessGrant>(response);
        if (!grant?.accessToken) {
          tokenStore.clear();
          return false;
        }
        tokenStore.set(grant.accessToken);
        return true;
      } catch {
        return false;
      } finally {
        refreshInFlight = null;
      }
    })();
  }
  return refreshInFlight;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const auth = options.auth ?? true;
  let response = await send(path, options, auth ? tokenStore.get() : null);
  if (response.status === 401 && auth) {
    if (await refreshSession()) response = await send(path, options, tokenStore.get());
    if (response.status === 401) {
      tokenStore.clear();
      sessionExpiredHandler?.();
    }
  }
  if (!response.ok) throw await toApiError(response);
  return readBody<T>(response);
}

/** A binary answer (a ZIP): the same sign-in and error handling as {@link request}, the body as a Blob. */
export async function requestBlob(path: string, options: RequestOptions = {}): Promise<Blob> {
  let response = await send(path, options, tokenStore.get());
  if (response.status === 401) {
    if (await refreshSession()) response = await send(path, options, tokenStore.get());
    if (response.status === 401) {
      tokenStore.clear();
      sessionExpiredHandler?.();
    }
  }
  if (!response.ok) throw await toApiError(response);
  return response.blob();
}

export interface ListPatientsParams {
  search?: string;
  status?: PatientStatus | '';
  cursor?: string | null;
  limit?: number;
}

export const api = {
  login: (body: LoginBody) =>
    request<MfaChallenge>(route('/api/v1/auth/login'), { method: 'POST', body, auth: false }),
  register: (body: RegisterBody) =>
    request<RegisterResponse>(route('/api/v1/auth/register'), { method: 'POST', body, auth: false }),
  acceptInvitation: (body: AcceptInvitationBody) =>
    request<MfaChallenge>(route('/api/v1/auth/invitations/accept'), { method: 'POST', body, auth: false }),
  /** Always 202, whether or not an account uses the email; 429 when asked too often. */
  forgotPassword: (email: string) =>
    request<void>(route('/api/v1/auth/password/forgot'), { method: 'POST', body: { email }, auth: false }),
  /** 204; a wrong, used or expired token answers 422 `invalid-reset-token`. */
  resetPassword: (body: { token: string; password: string }) =>
    request<void>(route('/api/v1/auth/password/reset'), { method: 'POST', body, auth: false }),
  enrollMfa: (mfaToken: string) =>
    request<EnrollMfaResponse>(route('/api/v1/auth/mfa/enroll'), { method: 'POST', body: { mfaToken }, auth: false }),
  /** Completes sign-in: the access token goes to memory, the refresh token arrives as an httpOnly cookie. */
  verifyMfa: async (body: VerifyMfaBody) => {
    const grant = await request<AccessGrant>(route('/api/v1/auth/mfa/verify'), {
      method: 'POST',
      body,
      auth: false,
      dashboardClient: true,
    });
    tokenStore.set(grant.accessToken);
    return grant;
  },
  /** Revokes the session on the server (and clears the cookie); the memory token is dropped whatever happens. */
  logout: async () => {
    const token = tokenStore.get();
    tokenStore.clear();
    if (!token) return;
    await send(route('/api/v1/auth/logout'), { method: 'POST', dashboardClient: true }, token).catch(() => undefined);
  },

  practiceSettings: (signal?: AbortSignal) => request<PracticeSettings>(route('/api/v1/practice/settings'), { signal }),
  updatePracticeSettings: (changes: PracticeSettingsChanges) =>
    request<PracticeSettings>(route('/api/v1/practice/settings'), { method: 'PATCH', body: changes }),

  listPatients: (params: ListPatientsParams, signal?: AbortSignal) =>
    request<PatientPage>(route('/api/v1/patients'), {
      query: { search: params.search?.trim(), status: params.status, cursor: params.cursor, limit: params.limit },
      signal,
    }),
  getPatient: (id: string, signal?: AbortSignal) =>
    request<Patient>(withId(route('/api/v1/patients/{id}'), id), { signal }),
  createPatient: (body: CreatePatientBody, idempotencyKey?: string) =>
    request<Patient>(route('/api/v1/patients'), {
      method: 'POST',
      body,
      headers: idempotencyKey ? { 'Idempotency-Key': idempotencyKey } : undefined,
    }),
  updatePatient: (id: string, changes: PatientChanges) =>
    request<Patient>(withId(route('/api/v1/patients/{id}'), id), { method: 'PATCH', body: changes }),
  archivePatient: (id: string) =>
    request<Patient>(withId(route('/api/v1/patients/{id}/archive'), id), { method: 'POST' }),
  /** The patient's full record as a ZIP (owner only). */
  downloadPatientRecord: (id: string) =>
    requestBlob(withId(route('/api/v1/patients/{id}/record'), id)),
  erasePatient: (id: string, confirmation: string) =>
    request<PatientErasure>(withId(route('/api/v1/patients/{id}/erasure'), id), { method: 'POST', body: { confirmation } }),
  /** Without `sendBy` the API texts the code when the patient has a phone number, else emails it. */
  invitePatient: (id: string, sendBy?: 'sms' | 'email' | 'none') =>
    request<InvitePatientResponse>(withId(route('/api/v1/patients/{id}/invite'), id), { method: 'POST', body: sendBy ? { sendBy } : {} }),

  listPatientSessions: (id: string, cursor: string | null, signal?: AbortSignal) =>
    request<TimelinePage>(withId(route('/api/v1/patients/{id}/sessions'), id), { query: { cursor, limit: 20 }, signal }),

  compliance: (params: { overdueOnly: boolean }, signal?: AbortSignal) =>
    request<ComplianceResponse>(route('/api/v1/dashboard/compliance'), {
      query: { overdueOnly: params.overdueOnly ? 'true' : undefined },
      signal,
    }),
  dashboardAnalytics: (weeks: number, signal?: AbortSignal) =>
    request<DashboardAnalytics>(route('/api/v1/dashboard/analytics'), { query: { weeks }, signal }),
  /** Doctors and owners only: staff get 403, so the analytics page does not ask for them. */
  tagAnalytics: (weeks: number, signal?: AbortSignal) =>
    request<TagAnalytics>(route('/api/v1/tags/analytics'), { query: { weeks }, signal }),
  aiModel: (signal?: AbortSignal) => request<AiModel>(route('/api/v1/ai/model'), { signal }),
  /** Doctors and owners only: staff and platform admins get 403, so the model page does not ask for them. */
  aiAcceptance: (weeks: number, signal?: AbortSignal) =>
    request<AiAcceptance>(route('/api/v1/dashboard/ai-acceptance'), { query: { weeks }, signal }),

  listThreads: (cursor: string | null, signal?: AbortSignal) =>
    request<MessageThreadPage>(route('/api/v1/messages/threads'), { query: { cursor, limit: 50 }, signal }),
  getThread: (id: string, cursor: string | null, signal?: AbortSignal) =>
    request<MessagePage>(withId(route('/api/v1/messages/threads/{id}'), id), { query: { cursor, limit: 50 }, signal }),
  /** One key per draft: a retry of the same draft answers the first message instead of sending a second one. */
  sendMessage: (body: SendMessageBody, idempotencyKey: string) =>
    request<Message>(route('/api/v1/messages'), { method: 'POST', body, headers: { 'Idempotency-Key': idempotencyKey } }),
  markMessageRead: (id: string) =>
    request<Message>(withId(route('/api/v1/messages/{id}/read'), id), { method: 'PATCH' }),

  inviteStaff: (body: InviteStaffBody) =>
    request<InviteStaffResponse>(route('/api/v1/practice/invitations'), { method: 'POST', body }),
  // Callers treat failure as "nothing to show": the top bar and the doctor picker still work without them.
  getPractice: (signal?: AbortSignal) => request<Practice>(route('/api/v1/practice'), { signal }),
  listMembers: (signal?: AbortSignal) =>
    request<{ items: PracticeMember[] }>(route('/api/v1/practice/members'), { signal }),

  /** Owner only. */
  listDeadJobs: (cursor: string | null, signal?: AbortSignal) =>
    request<DeadJobPage>(route('/api/v1/admin/jobs/dead'), { query: { cursor, limit: 20 }, signal }),
  /** Platform admin only: practices with aggregates (plan, status, counts, tagging rate), paged by name. */
  listPractices: (cursor: string | null, signal?: AbortSignal) =>
    request<PracticeSummaryPage>(route('/api/v1/admin/practices'), { query: { cursor, limit: 50 }, signal }),
  /** Owner only; 409 when it was retried already. */
  retryDeadJob: (id: string) =>
    request<RetriedJob>(withId(route('/api/v1/admin/jobs/{id}/retry'), id), { method: 'POST' }),

  /** Local runs only (`make run`): what was sent without a real provider, newest first; 404 everywhere else. */
  listDevMailbox: (recipient?: string, signal?: AbortSignal) =>
    request<DevMailboxLetter[]>(route('/api/v1/dev/mailbox'), { query: { recipient: recipient?.trim() }, auth: false, signal }),
};
