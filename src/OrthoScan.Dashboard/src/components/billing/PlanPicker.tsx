'use client';

import { useState } from 'react';
import { billingApi, type CheckoutResponse, type PaidPlan, type PlansResponse, type Subscription } from '@/api/billing';
import { asApiError, type ApiError } from '@/api/errors';
import { Button, cx, ProblemAlert } from '@/components/ui';
import { formatMoney, planLabels } from '@/lib/billing';
import { goTo } from '@/lib/location';

const blurbs: Record<string, string> = {
  trial: 'Try OrthoScan with a few patients.',
  starter: 'For a single-chair practice getting started with remote monitoring.',
  professional: 'For a busy practice with several doctors.',
  enterprise: 'For groups and large practices, without a patient limit.',
};

/**
 * The four tiers from GET /billing/plans. Choosing a paid one posts /billing/checkout: offline it completes at once
 * and the new subscription is handed back; with Stripe the browser goes to Checkout and the webhooks do the rest.
 */
export function PlanPicker({ plans, subscription, onSubscribed }: {
  plans: PlansResponse;
  subscription: Subscription | null;
  onSubscribed: (result: CheckoutResponse) => void;
}) {
  const [busy, setBusy] = useState<PaidPlan | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const subscribed = subscription && subscription.status !== 'none' && subscription.status !== 'canceled';

  async function choose(plan: PaidPlan) {
    setBusy(plan);
    setError(null);
    try {
      const result = await billingApi.checkout({ plan });
      if (result.checkoutUrl) {
        goTo(result.checkoutUrl);
        return;
      }
      onSubscribed(result);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="flex flex-col gap-4">
      <ProblemAlert error={error} />
      <ul className="grid gap-3 sm:grid-cols-2 xl:grid-cols-4" aria-label="Plans">
        {plans.items.map((offer) => {
          const current = subscribed && subscription.plan === offer.plan;
          const label = planLabels[offer.plan];
          return (
            <li
              key={offer.plan}
              data-testid={`plan-${offer.plan}`}
              className={cx('flex flex-col rounded-lg border bg-white p-4', current ? 'border-accent-600 ring-1 ring-accent-600' : 'border-slate-200')}
            >
              <h3 className="text-sm font-semibold text-slate-900">
                {label}
                {current && <span className="ml-2 whitespace-nowrap rounded-full bg-accent-50 px-2 py-0.5 text-xs font-medium text-accent-800">Current plan</span>}
              </h3>
              <p className="mt-2 text-2xl font-semibold tabular-nums text-slate-900">
                {offer.monthlyPriceMinor === 0 ? 'Free' : formatMoney(offer.monthlyPriceMinor, offer.currency)}
                {offer.monthlyPriceMinor > 0 && <span className="text-sm font-normal text-slate-500"> / month</span>}
              </p>
              <p className="mt-1 text-sm tabular-nums text-slate-700">
                {offer.activePatientLimit === null ? 'Unlimited active patients' : `Up to ${offer.activePatientLimit} active patients`}
              </p>
              <p className="mt-1 flex-1 text-xs text-slate-500">{blurbs[offer.plan]}</p>
              {offer.plan === 'trial' ? (
                <p className="mt-3 text-xs text-slate-500">Every paid plan starts with a {plans.trialDays}-day trial.</p>
              ) : (
                <Button
                  className="mt-3"
                  variant={current || subscribed ? 'secondary' : 'primary'}
                  disabled={Boolean(current) || (busy !== null && busy !== offer.plan)}
                  busy={busy === offer.plan}
                  onClick={() => choose(offer.plan as PaidPlan)}
                >
                  {current ? 'Current plan' : subscribed ? `Switch to ${label}` : `Choose ${label}`}
                </Button>
              )}
            </li>
          );
        })}
      </ul>
    </div>
  );
}
