'use client';

import { billingApi, type Invoice } from '@/api/billing';
import { Button, Skeleton, StatusBadge, LoadMore } from '@/components/ui';
import { formatMoney, formatPeriod } from '@/lib/billing';
import { formatDate } from '@/lib/format';
import { useCursorPages } from '@/lib/useCursorPages';

/** The practice's invoices, newest first, a page at a time. */
export function InvoicesTable() {
  const { items, hasMore, loading, error, loadingMore, moreError, loadMore, reload } = useCursorPages<Invoice>(
    (cursor, signal) => billingApi.invoices(cursor, signal),
    'invoices',
  );

  if (loading) {
    return (
      <div className="flex flex-col gap-2" aria-busy="true" aria-label="Loading invoices">
        <Skeleton className="h-8 w-full" />
        <Skeleton className="h-8 w-full" />
      </div>
    );
  }
  if (error) {
    return (
      <div role="alert" className="flex flex-col items-start gap-2 rounded-md border border-red-200 px-4 py-3">
        <p className="text-sm font-medium text-slate-900">{error.title}</p>
        {error.detail && <p className="text-sm text-slate-600">{error.detail}</p>}
        <Button variant="secondary" onClick={reload}>Retry</Button>
      </div>
    );
  }
  if (items.length === 0) return <p className="text-sm text-slate-600">No invoices yet. The first one comes at the end of your first billing period.</p>;

  return (
    <div className="flex flex-col gap-3">
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <caption className="sr-only">Invoices</caption>
          <thead className="text-xs text-slate-500">
            <tr>
              <th scope="col" className="py-2 pr-3 font-medium">Invoice</th>
              <th scope="col" className="py-2 pr-3 font-medium">Period</th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">Subtotal</th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">Discount</th>
              <th scope="col" className="py-2 pr-3 text-right font-medium">Total</th>
              <th scope="col" className="py-2 pr-3 font-medium">Status</th>
              <th scope="col" className="py-2 font-medium"><span className="sr-only">Link</span></th>
            </tr>
          </thead>
          <tbody>
            {items.map((invoice) => (
              <tr key={invoice.id} className="border-t border-slate-100" data-testid="invoice">
                <th scope="row" className="py-2 pr-3 font-medium text-slate-900">
                  {invoice.number}
                  <span className="block text-xs font-normal text-slate-500">{formatDate(invoice.createdAt)}</span>
                </th>
                <td className="py-2 pr-3 text-slate-700">{formatPeriod(invoice.periodStart, invoice.periodEnd)}</td>
                <td className="py-2 pr-3 text-right tabular-nums text-slate-700">{formatMoney(invoice.subtotalMinor, invoice.currency)}</td>
                <td className="py-2 pr-3 text-right tabular-nums text-slate-700">
                  {invoice.discountMinor > 0 ? `−${formatMoney(invoice.discountMinor, invoice.currency)}` : '—'}
                </td>
                <td className="py-2 pr-3 text-right font-medium tabular-nums text-slate-900">{formatMoney(invoice.totalMinor, invoice.currency)}</td>
                <td className="py-2 pr-3"><StatusBadge status={invoice.status} /></td>
                <td className="py-2 text-right">
                  {invoice.hostedUrl && (
                    <a href={invoice.hostedUrl} target="_blank" rel="noopener noreferrer" className="text-sm font-medium text-accent-700 hover:underline">
                      View<span className="sr-only"> invoice {invoice.number} (opens in a new tab)</span>
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <LoadMore hasMore={hasMore} error={moreError} busy={loadingMore} onLoadMore={loadMore} />
    </div>
  );
}
