import type { PlansResponse, Subscription, TaggingProgress, TaggingRate } from '@/api/billing';

/** Answers shaped exactly as briefs/billing-contract.md describes them, for the billing and finance component tests. */
export const offlinePlans: PlansResponse = {
  mode: 'offline',
  trialDays: 14,
  items: [
    { plan: 'trial', monthlyPriceMinor: 0, currency: 'eur', activePatientLimit: 10 },
    { plan: 'starter', monthlyPriceMinor: 9900, currency: 'eur', activePatientLimit: 50 },
    { plan: 'professional', monthlyPriceMinor: 24900, currency: 'eur', activePatientLimit: 250 },
    { plan: 'enterprise', monthlyPriceMinor: 59900, currency: 'eur', activePatientLimit: null },
  ],
};

export function progress(over: Partial<TaggingProgress> = {}): TaggingProgress {
  return {
    periodStart: '2026-12-01T00:00:00Z', periodEnd: '2027-01-01T00:00:00Z', received: 20, tagged: 9, rate: 0.45,
    currentPercent: 0, nextTier: { minRatePercent: 50, discountPercent: 5 }, sessionsToNextTier: 1, ...over,
  };
}

export function subscription(over: Partial<Subscription> = {}): Subscription {
  return {
    mode: 'offline', plan: 'trial', status: 'none', trialEndsAt: null, currentPeriodStart: null, currentPeriodEnd: null,
    pastDueSince: null, graceEndsAt: null, restricted: false, activePatients: 3, activePatientLimit: 10,
    nextInvoice: null, discount: null, taggingProgress: progress(), ...over,
  };
}

export function proposal(id: string, over: Partial<TaggingRate> = {}): TaggingRate {
  return {
    id, practiceId: `practice-${id}`, practiceName: `Practice ${id}`, plan: 'professional',
    periodStart: '2026-10-01T00:00:00Z', periodEnd: '2026-11-01T00:00:00Z', sessionsReceived: 40, sessionsTagged: 31, rate: 0.775,
    proposedPercent: 10, approvedPercent: null, amountMinor: 2490, currency: 'eur', status: 'proposed',
    decisionReason: null, decidedAt: null, appliedAt: null,
    trend: [{ periodStart: '2026-08-01T00:00:00Z', rate: 0.5 }, { periodStart: '2026-09-01T00:00:00Z', rate: 0.6 }, { periodStart: '2026-10-01T00:00:00Z', rate: 0.775 }],
    ...over,
  };
}
