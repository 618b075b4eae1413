'use client';

import { billingApi } from '@/api/billing';
import { Button, Card, Skeleton } from '@/components/ui';
import { formatMoney, formatPeriod } from '@/lib/billing';
import { useResource } from '@/lib/useResource';

/** What this period's discounts would cost if every practice kept its current tagging rate. */
export function ForecastCard() {
  const { data, error, loading, reload } = useResource((signal) => billingApi.forecast(signal), 'forecast');
  return (
    <Card title="Forecast for this period">
      {loading ? (
        <Skeleton className="h-12 w-64" />
      ) : error || !data ? (
        <div role="alert" className="flex flex-wrap items-center gap-3 text-sm">
          <span className="text-slate-900">{error?.title ?? 'The forecast could not be loaded.'}</span>
          <Button variant="secondary" onClick={reload}>Retry</Button>
        </div>
      ) : (
        <div className="flex flex-wrap items-baseline gap-x-6 gap-y-1" data-testid="forecast">
          <p className="text-2xl font-semibold tabular-nums text-slate-900">{formatMoney(data.amountMinor, data.currency)}</p>
          <p className="text-sm text-slate-600">
            in discounts for {formatPeriod(data.periodStart, data.periodEnd)} across {data.practices}{' '}
            {data.practices === 1 ? 'practice' : 'practices'}, if each keeps its tagging rate so far.
          </p>
        </div>
      )}
    </Card>
  );
}
