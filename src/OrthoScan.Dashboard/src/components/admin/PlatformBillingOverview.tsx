'use client';

import { billingApi } from '@/api/billing';
import { RankedBars } from '@/components/analytics/Charts';
import { Card, ErrorState, Notice, Skeleton } from '@/components/ui';
import { formatMoney, formatMonth, minorToMajor, planLabels } from '@/lib/billing';
import { formatDate } from '@/lib/format';
import { useResource } from '@/lib/useResource';

function Figure({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-4 py-3">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold tabular-nums text-slate-900" data-testid={testId}>{value}</dd>
    </div>
  );
}

/** The business at a glance: monthly recurring revenue by plan, who is past due, discounts granted per period. */
export function PlatformBillingOverview() {
  const { data, error, loading, reload } = useResource((signal) => billingApi.platformBilling(signal), 'platform-billing');
  if (loading) {
    return (
      <div className="flex flex-col gap-4" aria-busy="true" aria-label="Loading billing">
        <Skeleton className="h-20 w-full" />
        <Skeleton className="h-48 w-full" />
      </div>
    );
  }
  if (error || !data) return <ErrorState error={error ?? { title: 'Billing could not be loaded.', detail: null }} onRetry={reload} />;
  const money = (minor: number) => formatMoney(minor, data.currency);
  const practices = data.plans.reduce((sum, p) => sum + p.practices, 0);

  return (
    <div className="flex flex-col gap-6">
      {data.mode === 'offline' && <Notice>Billing is offline: no card is charged. Revenue figures are what the plans would bill.</Notice>}
      <dl className="grid gap-3 sm:grid-cols-3">
        <Figure label="MRR" value={money(data.mrrMinor)} testId="mrr" />
        <Figure label="Practices on a plan" value={String(practices)} testId="practices-count" />
        <Figure label="Past due" value={String(data.pastDue.length)} testId="past-due-count" />
      </dl>
      <Card title="Plans">
        <div className="grid gap-6 lg:grid-cols-2">
          <RankedBars data={data.plans.map((p) => ({ label: planLabels[p.plan], count: minorToMajor(p.mrrMinor, data.currency) }))} valueName="MRR" testId="chart-plans" />
          <table className="w-full text-left text-sm tabular-nums">
            <caption className="sr-only">Plans</caption>
            <thead className="text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-1.5 pr-3 font-medium">Plan</th>
                <th scope="col" className="py-1.5 pr-3 text-right font-medium">Practices</th>
                <th scope="col" className="py-1.5 text-right font-medium">MRR</th>
              </tr>
            </thead>
            <tbody>
              {data.plans.map((p) => (
                <tr key={p.plan} className="border-t border-slate-100">
                  <th scope="row" className="py-1.5 pr-3 font-normal text-slate-700">{planLabels[p.plan]}</th>
                  <td className="py-1.5 pr-3 text-right text-slate-900">{p.practices}</td>
                  <td className="py-1.5 text-right text-slate-900">{money(p.mrrMinor)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <Card title="Past due">
        {data.pastDue.length === 0 ? (
          <p className="text-sm text-slate-600">No practice is past due.</p>
        ) : (
          <ul className="flex flex-col divide-y divide-slate-100 text-sm" data-testid="past-due">
            {data.pastDue.map((p) => (
              <li key={p.practiceId} className="flex flex-wrap justify-between gap-2 py-2">
                <span className="font-medium text-slate-900">{p.practiceName}</span>
                <span className="text-slate-700">
                  since {formatDate(p.since)}
                  {p.graceEndsAt && `; restricted from ${formatDate(p.graceEndsAt)}`}
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card title="Discounts per period">
        {data.discounts.length === 0 ? (
          <p className="text-sm text-slate-600">No discount proposals yet.</p>
        ) : (
          <table className="w-full text-left text-sm tabular-nums" data-testid="discounts">
            <caption className="sr-only">Discounts per period</caption>
            <thead className="text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="py-1.5 pr-3 font-medium">Period</th>
                <th scope="col" className="py-1.5 pr-3 text-right font-medium">Proposed</th>
                <th scope="col" className="py-1.5 pr-3 text-right font-medium">Approved</th>
                <th scope="col" className="py-1.5 pr-3 text-right font-medium">Rejected</th>
                <th scope="col" className="py-1.5 text-right font-medium">Granted</th>
              </tr>
            </thead>
            <tbody>
              {data.discounts.map((d) => (
                <tr key={d.periodStart} className="border-t border-slate-100">
                  <th scope="row" className="py-1.5 pr-3 font-normal text-slate-700">{formatMonth(d.periodStart)}</th>
                  <td className="py-1.5 pr-3 text-right text-slate-900">{d.proposed}</td>
                  <td className="py-1.5 pr-3 text-right text-slate-900">{d.approved}</td>
                  <td className="py-1.5 pr-3 text-right text-slate-900">{d.rejected}</td>
                  <td className="py-1.5 text-right text-slate-900">{money(d.grantedAmountMinor)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </div>
  );
}
