import { request } from './client';

/*
 * Issue 12's billing, finance and platform routes, typed by hand from the shared contract
 * (briefs/billing-contract.md) because the API is being built on other branches and they are not in the committed
 * OpenAPI snapshot yet. When the routes land, these shapes move to `schema.d.ts` types (types.ts) and the paths go
 * through client.ts's `route()` check like every other call.
 */

/** ISO 8601 UTC time, or a calendar date for period bounds. */
type Time = string;

export type BillingMode = 'offline' | 'stripe';
export type Plan = 'trial' | 'starter' | 'professional' | 'enterprise';
export type PaidPlan = Exclude<Plan, 'trial'>;
export type SubscriptionStatus = 'none' | 'trialing' | 'active' | 'past_due' | 'canceled' | 'incomplete';

export interface PlanOffer {
  plan: Plan;
  monthlyPriceMinor: number;
  currency: string;
  activePatientLimit: number | null;
}

export interface PlansResponse {
  mode: BillingMode;
  trialDays: number;
  items: PlanOffer[];
}

export interface NextInvoice {
  periodStart: Time;
  periodEnd: Time;
  subtotalMinor: number;
  discountMinor: number;
  totalMinor: number;
  currency: string;
}

export interface GrantedDiscount {
  proposalId: string;
  periodStart: Time;
  periodEnd: Time;
  rate: number;
  percent: number;
  status: 'approved' | 'adjusted';
  appliedAt: Time | null;
  appliedTo: string | null;
}

export interface DiscountTierStep {
  minRatePercent: number;
  discountPercent: number;
}

export interface TaggingProgress {
  periodStart: Time;
  periodEnd: Time;
  received: number;
  tagged: number;
  /** Tagged / received, 0..1; null while nothing was received. */
  rate: number | null;
  currentPercent: number;
  nextTier: DiscountTierStep | null;
  sessionsToNextTier: number | null;
}

export interface Subscription {
  mode: BillingMode;
  plan: Plan;
  status: SubscriptionStatus;
  // The contract does not mark these three nullable, but a practice with status `none` has no trial or period yet.
  trialEndsAt: Time | null;
  currentPeriodStart: Time | null;
  currentPeriodEnd: Time | null;
  pastDueSince: Time | null;
  graceEndsAt: Time | null;
  restricted: boolean;
  activePatients: number;
  activePatientLimit: number | null;
  nextInvoice: NextInvoice | null;
  discount: GrantedDiscount | null;
  taggingProgress: TaggingProgress;
}

export interface CheckoutBody {
  plan: PaidPlan;
}

export interface CheckoutResponse {
  mode: BillingMode;
  checkoutUrl: string | null;
  subscription: Subscription;
}

export type InvoiceStatus = 'open' | 'paid' | 'void' | 'uncollectible';

export interface Invoice {
  id: string;
  number: string;
  periodStart: Time;
  periodEnd: Time;
  subtotalMinor: number;
  discountMinor: number;
  totalMinor: number;
  currency: string;
  status: InvoiceStatus;
  hostedUrl: string | null;
  createdAt: Time;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type ProposalStatus = 'proposed' | 'approved' | 'adjusted' | 'rejected';

export interface TaggingRate {
  id: string;
  practiceId: string;
  practiceName: string;
  plan: Plan;
  periodStart: Time;
  periodEnd: Time;
  sessionsReceived: number;
  sessionsTagged: number;
  rate: number;
  proposedPercent: number;
  approvedPercent: number | null;
  amountMinor: number;
  currency: string;
  status: ProposalStatus;
  decisionReason: string | null;
  decidedAt: Time | null;
  appliedAt: Time | null;
  /** This practice's last up to 6 proposals, oldest first. */
  trend: { periodStart: Time; rate: number }[];
}

export type DecisionAction = 'approve' | 'adjust' | 'reject';

export interface DecisionBody {
  action: DecisionAction;
  /** Adjust only, 0-100. */
  percent?: number;
  /** Required for adjust (at most 500 characters), optional for reject. */
  reason?: string;
}

export interface DiscountForecast {
  periodStart: Time;
  periodEnd: Time;
  practices: number;
  amountMinor: number;
  currency: string;
}

export interface PlatformBilling {
  mode: BillingMode;
  currency: string;
  mrrMinor: number;
  plans: { plan: Plan; practices: number; mrrMinor: number }[];
  pastDue: { practiceId: string; practiceName: string; since: Time; graceEndsAt: Time }[];
  discounts: { periodStart: Time; periodEnd: Time; proposed: number; approved: number; rejected: number; grantedAmountMinor: number }[];
}

export interface AuditEntry {
  seq: number;
  occurredAt: Time;
  actorUserId: string;
  actorRole: string;
  action: string;
  resourceType: string;
  resourceId: string;
  practiceId: string | null;
}

export interface AuditVerification {
  valid: boolean;
  rows: number;
  firstBrokenSeq: number | null;
}

export const PAGE_SIZE = 20;

export const billingApi = {
  /** Owner. */
  plans: (signal?: AbortSignal) => request<PlansResponse>('/api/v1/billing/plans', { signal }),
  subscription: (signal?: AbortSignal) => request<Subscription>('/api/v1/billing/subscription', { signal }),
  checkout: (body: CheckoutBody) => request<CheckoutResponse>('/api/v1/billing/checkout', { method: 'POST', body }),
  invoices: (cursor: string | null, signal?: AbortSignal) =>
    request<Page<Invoice>>('/api/v1/billing/invoices', { query: { cursor, limit: PAGE_SIZE }, signal }),
  /** Stripe mode only: offline answers 409 `billing-offline`. */
  portal: () => request<{ url: string }>('/api/v1/billing/portal', { method: 'POST' }),

  /** Finance or platform admin. */
  taggingRates: (status: ProposalStatus | '', cursor: string | null, signal?: AbortSignal) =>
    request<Page<TaggingRate>>('/api/v1/admin/tagging-rates', { query: { status, cursor, limit: PAGE_SIZE }, signal }),
  /** Finance only; 409 `already-decided` when someone decided first. */
  decide: (id: string, body: DecisionBody) =>
    request<TaggingRate>(`/api/v1/admin/tagging-rates/${encodeURIComponent(id)}/decision`, { method: 'POST', body }),
  forecast: (signal?: AbortSignal) => request<DiscountForecast>('/api/v1/admin/tagging-rates/forecast', { signal }),

  /** Platform admin and finance. (GET /admin/practices is in the snapshot already: `api.listPractices`.) */
  platformBilling: (signal?: AbortSignal) => request<PlatformBilling>('/api/v1/admin/billing', { signal }),
  /** Platform admin. */
  audit: (cursor: string | null, signal?: AbortSignal) =>
    request<Page<AuditEntry>>('/api/v1/admin/audit', { query: { cursor, limit: PAGE_SIZE }, signal }),
  verifyAudit: () => request<AuditVerification>('/api/v1/admin/audit/verify'),
};
