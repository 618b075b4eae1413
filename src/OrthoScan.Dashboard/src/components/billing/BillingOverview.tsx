'use client';

import { useState, type ReactNode } from 'react';
import { billingApi, type GrantedDiscount, type Subscription } from '@/api/billing';
import { asApiError, type ApiError } from '@/api/errors';
import { Button, Card, ErrorState, Notice, PageHeader, Skeleton, StatusBadge } from '@/components/ui';
import { formatMoney, formatPercent, formatPeriod, planLabels, subscriptionStatusLabels } from '@/lib/billing';
import { formatDate } from '@/lib/format';
import { goTo } from '@/lib/location';
import { useResource } from '@/lib/useResource';
import { InvoicesTable } from './InvoicesTable';
import { PlanPicker } from './PlanPicker';
import { TaggingProgressBar } from './TaggingProgressBar';

function Row({ label, children, testId }: { label: string; children: ReactNode; testId?: string }) {
  return (
    <div className="flex flex-wrap justify-between gap-2 border-t border-slate-100 py-2 first:border-0">
      <dt className="text-sm text-slate-600">{label}</dt>
      <dd className="text-sm font-medium tabular-nums text-slate-900" data-testid={testId}>{children}</dd>
    </div>
  );
}

function CurrentPlan({ subscription }: { subscription: Subscription }) {
  const s = subscription;
  if (s.status === 'none') {
    return <p className="text-sm text-slate-600" data-testid="subscription-status">No plan yet. Choose one below: every paid plan starts with a free trial.</p>;
  }
  const invoice = s.nextInvoice;
  return (
    <dl>
      <Row label="Plan" testId="subscription-plan">{planLabels[s.plan]}</Row>
      <Row label="Status" testId="subscription-status">
        <StatusBadge status={s.status} label={subscriptionStatusLabels[s.status]} />
      </Row>
      {s.status === 'trialing' && s.trialEndsAt && <Row label="Trial ends">{formatDate(s.trialEndsAt)}</Row>}
      {s.currentPeriodStart && s.currentPeriodEnd && <Row label="Current period">{formatPeriod(s.currentPeriodStart, s.currentPeriodEnd)}</Row>}
      <Row label="Active patients" testId="active-patients">
        {s.activePatients} {s.activePatientLimit === null ? '(no limit)' : `of ${s.activePatientLimit}`}
      </Row>
      {invoice && (
        <Row label="Next invoice (estimate)" testId="next-invoice">
          {invoice.discountMinor > 0 && (
            <span className="mr-2 font-normal text-slate-500">
              {formatMoney(invoice.subtotalMinor, invoice.currency)} − {formatMoney(invoice.discountMinor, invoice.currency)} =
            </span>
          )}
          {formatMoney(invoice.totalMinor, invoice.currency)}
          <span className="block text-right text-xs font-normal text-slate-500">for {formatPeriod(invoice.periodStart, invoice.periodEnd)}</span>
        </Row>
      )}
    </dl>
  );
}

function DiscountEarned({ discount }: { discount: GrantedDiscount | null }) {
  if (!discount) {
    return <p className="text-sm text-slate-600" data-testid="discount-earned">No discount earned yet. Finance reviews each month&apos;s tagging after the month has settled.</p>;
  }
  return (
    <div className="rounded-md border border-accent-100 bg-accent-50 px-4 py-3 text-sm text-accent-900" data-testid="discount-earned">
      <p>
        <span className="font-semibold">{formatPercent(discount.percent)} off</span> earned for {formatPeriod(discount.periodStart, discount.periodEnd)}{' '}
        ({Math.round(discount.rate * 100)}% of scans tagged; {discount.status === 'adjusted' ? 'adjusted by finance' : 'approved by finance'}).
      </p>
      <p className="mt-0.5">
        {discount.appliedAt
          ? `Applied ${formatDate(discount.appliedAt)}${discount.appliedTo ? ` to invoice ${discount.appliedTo}` : ''}.`
          : 'Applies to your next invoice.'}
      </p>
    </div>
  );
}

function ManagePayment() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  async function open() {
    setBusy(true);
    setError(null);
    try {
      goTo((await billingApi.portal()).url);
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="flex flex-col items-end gap-1">
      <Button variant="secondary" busy={busy} onClick={open}>Manage payment</Button>
      {error && <p role="alert" className="text-xs text-red-700">{error.title}</p>}
    </div>
  );
}

function LoadingCards() {
  return (
    <div className="flex flex-col gap-6" aria-busy="true" aria-label="Loading billing">
      <Skeleton className="h-32 w-full" />
      <Skeleton className="h-24 w-full" />
      <Skeleton className="h-40 w-full" />
    </div>
  );
}

/** The owner's billing page: mode, plan and status, this month's tagging discount progress, plans, invoices. */
export function BillingOverview() {
  const plans = useResource((signal) => billingApi.plans(signal), 'billing-plans');
  const subscription = useResource((signal) => billingApi.subscription(signal), 'billing-subscription');
  const [justSubscribed, setJustSubscribed] = useState<string | null>(null);
  const mode = subscription.data?.mode ?? plans.data?.mode;

  const header = (
    <PageHeader
      title="Billing"
      description="Your plan, what the next invoice will be, and the discount your practice earns by tagging its scans."
      actions={mode === 'stripe' && subscription.data && subscription.data.status !== 'none' ? <ManagePayment /> : undefined}
    />
  );

  if (plans.loading || subscription.loading) return <>{header}<LoadingCards /></>;
  const failed = plans.error ?? subscription.error;
  if (failed || !plans.data || !subscription.data) {
    return (
      <>
        {header}
        <ErrorState
          error={failed ?? { title: 'Billing could not be loaded.', detail: null }}
          onRetry={() => {
            plans.reload();
            subscription.reload();
          }}
        />
      </>
    );
  }
  const s = subscription.data;

  return (
    <>
      {header}
      <div className="flex flex-col gap-6">
        {mode === 'offline' && (
          <div data-testid="billing-mode">
            <Notice>
              <span className="font-semibold">Billing is offline: no card is charged.</span> Plans, trials, discounts and invoices work
              as they will with payments, and are computed here.
            </Notice>
          </div>
        )}
        {justSubscribed && <Notice tone="success">{justSubscribed}</Notice>}
        <Card title="Your plan">
          <CurrentPlan subscription={s} />
        </Card>
        <Card title="Tagging discount">
          <div className="flex flex-col gap-5">
            <DiscountEarned discount={s.discount} />
            <div>
              <h3 className="mb-2 text-sm font-semibold text-slate-900">This month so far</h3>
              <TaggingProgressBar progress={s.taggingProgress} />
            </div>
          </div>
        </Card>
        <Card title={s.status === 'none' ? 'Choose a plan' : 'Plans'}>
          <PlanPicker
            plans={plans.data}
            subscription={s}
            onSubscribed={(result) => {
              subscription.setData(result.subscription);
              const trial = result.subscription.status === 'trialing' && result.subscription.trialEndsAt
                ? ` Your trial runs until ${formatDate(result.subscription.trialEndsAt)}.`
                : '';
              setJustSubscribed(`You are on the ${planLabels[result.subscription.plan]} plan.${trial}`);
            }}
          />
        </Card>
        <Card title="Invoices">
          <InvoicesTable />
        </Card>
      </div>
    </>
  );
}
