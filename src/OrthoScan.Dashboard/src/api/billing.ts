import { request } from './client';
import type { components, paths } from './schema';

/*
 * Issue 12's billing, finance and platform routes, with the generated OpenAPI types. A few unions are narrowed where the
 * route promises less than the shared schema allows (a plan to check out is never the trial; a granted discount is
 * approved or adjusted).
 */

type Schemas = components['schemas'];
const route = <P extends keyof paths>(path: P): P => path;

export type BillingMode = Schemas['BillingMode'];
export type Plan = Schemas['SubscriptionTier'];
export type PaidPlan = Exclude<Plan, 'trial'>;
export type SubscriptionStatus = Schemas['SubscriptionViewStatus'];
export type PlanOffer = Schemas['GetPlansPlanItem'];
export type PlansResponse = Schemas['GetPlansResponse'];
export type NextInvoice = Schemas['NextInvoice'];
export type GrantedDiscount = Omit<Schemas['GrantedDiscount'], 'status'> & { status: 'approved' | 'adjusted' };
export type DiscountTierStep = Schemas['DiscountTier'];
export type TaggingProgress = Schemas['TaggingProgress'];
export type Subscription = Omit<Schemas['SubscriptionResponse'], 'discount'> & { discount: GrantedDiscount | null };
export interface CheckoutBody {
  plan: PaidPlan;
}
export type CheckoutResponse = Omit<Schemas['CheckoutResponse'], 'subscription'> & { subscription: Subscription };
export type InvoiceStatus = Schemas['ListInvoicesItem']['status'];
export type Invoice = Schemas['ListInvoicesItem'];
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
export type ProposalStatus = Schemas['DiscountProposalStatus'];
export type TaggingRate = Schemas['ListTaggingRatesTaggingRate'];
export type DecisionAction = Schemas['DecideDiscountDecision']['action'];
/** The request record lists percent and reason as nullable; the route reads them as optional (adjust: both, reject: a reason). */
export interface DecisionBody {
  action: DecisionAction;
  /** Adjust only, 0-100. */
  percent?: number;
  /** Required for adjust (at most 500 characters), optional for reject. */
  reason?: string;
}
export type DiscountForecast = Schemas['ForecastDiscountsResponse'];
export type PlatformBilling = Schemas['GetBillingOverviewResponse'];
export type AuditEntry = Schemas['ListPlatformAuditEntriesPlatformEntry'];
export type AuditVerification = Schemas['VerifyPlatformAuditChainReport'];

export const PAGE_SIZE = 20;

export const billingApi = {
  /** Owner. */
  plans: (signal?: AbortSignal) => request<PlansResponse>(route('/api/v1/billing/plans'), { signal }),
  subscription: (signal?: AbortSignal) => request<Subscription>(route('/api/v1/billing/subscription'), { signal }),
  checkout: (body: CheckoutBody) => request<CheckoutResponse>(route('/api/v1/billing/checkout'), { method: 'POST', body }),
  invoices: (cursor: string | null, signal?: AbortSignal) =>
    request<Page<Invoice>>(route('/api/v1/billing/invoices'), { query: { cursor, limit: PAGE_SIZE }, signal }),
  /** Stripe mode only: offline answers 409 `billing-offline`. */
  portal: () => request<Schemas['OpenPortalResponse']>(route('/api/v1/billing/portal'), { method: 'POST' }),

  /** Finance or platform admin. */
  taggingRates: (status: ProposalStatus | '', cursor: string | null, signal?: AbortSignal) =>
    request<Page<TaggingRate>>(route('/api/v1/admin/tagging-rates'), { query: { status, cursor, limit: PAGE_SIZE }, signal }),
  /** Finance only; 409 `already-decided` when someone decided first. */
  decide: (id: string, body: DecisionBody) =>
    request<TaggingRate>(route('/api/v1/admin/tagging-rates/{id}/decision').replace('{id}', encodeURIComponent(id)), { method: 'POST', body }),
  forecast: (signal?: AbortSignal) => request<DiscountForecast>(route('/api/v1/admin/tagging-rates/forecast'), { signal }),

  /** Platform admin and finance. (GET /admin/practices is in the snapshot already: `api.listPractices`.) */
  platformBilling: (signal?: AbortSignal) => request<PlatformBilling>(route('/api/v1/admin/billing'), { signal }),
  /** Platform admin. */
  audit: (cursor: string | null, signal?: AbortSignal) =>
    request<Page<AuditEntry>>(route('/api/v1/admin/audit'), { query: { cursor, limit: PAGE_SIZE }, signal }),
  verifyAudit: () => request<AuditVerification>(route('/api/v1/admin/audit/verify')),
};
