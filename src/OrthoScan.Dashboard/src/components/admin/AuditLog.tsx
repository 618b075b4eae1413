'use client';

import { useState } from 'react';
import { billingApi, type AuditEntry, type AuditVerification } from '@/api/billing';
import { asApiError, type ApiError } from '@/api/errors';
import { roleLabels } from '@/auth/navigation';
import type { Role } from '@/auth/jwt';
import { Button, Card, EmptyState, ErrorState, Notice, ProblemAlert, Skeleton, LoadMore } from '@/components/ui';
import { formatDateTime } from '@/lib/format';
import { useCursorPages } from '@/lib/useCursorPages';

const short = (id: string | null) => (id ? id.slice(0, 8) : '—');

function VerifyChain() {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<AuditVerification | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  async function verify() {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await billingApi.verifyAudit());
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="flex flex-col gap-3">
      <div>
        <Button variant="secondary" busy={busy} onClick={verify}>Verify chain</Button>
      </div>
      <ProblemAlert error={error} />
      {result && (result.valid ? (
        <Notice tone="success">The chain is intact: all {result.rows} entries link to the one before.</Notice>
      ) : (
        <div role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
          The chain is broken{result.firstBrokenSeq !== null ? ` at entry ${result.firstBrokenSeq}` : ''}: that entry or one before it was
          changed or removed after it was written ({result.rows} entries checked). Treat this as a security incident.
        </div>
      ))}
    </div>
  );
}

/** The platform audit chain, newest first, and a check that no entry was changed or removed. */
export function AuditLog() {
  const { items, hasMore, loading, error, loadingMore, moreError, loadMore, reload } = useCursorPages<AuditEntry>(
    (cursor, signal) => billingApi.audit(cursor, signal),
    'platform-audit',
  );
  return (
    <div className="flex flex-col gap-6">
      <Card title="Tamper check">
        <p className="mb-3 text-sm text-slate-600">Each entry carries a hash of the one before it; the check recomputes the whole chain.</p>
        <VerifyChain />
      </Card>
      {loading ? (
        <div className="flex flex-col gap-2" aria-busy="true" aria-label="Loading audit entries">
          {Array.from({ length: 5 }).map((_, i) => <Skeleton key={i} className="h-8 w-full" />)}
        </div>
      ) : error ? (
        <ErrorState error={error} onRetry={reload} />
      ) : items.length === 0 ? (
        <EmptyState title="No platform actions yet">Every action of a finance user or platform admin is recorded here.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <caption className="sr-only">Platform audit entries</caption>
            <thead className="bg-slate-50 text-xs uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-3 py-2 text-right font-medium">#</th>
                <th scope="col" className="px-3 py-2 font-medium">When</th>
                <th scope="col" className="px-3 py-2 font-medium">Who</th>
                <th scope="col" className="px-3 py-2 font-medium">Action</th>
                <th scope="col" className="px-3 py-2 font-medium">On</th>
                <th scope="col" className="px-3 py-2 font-medium">Practice</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.seq} className="border-t border-slate-100" data-testid="audit-entry">
                  <td className="px-3 py-2 text-right tabular-nums text-slate-500">{e.seq}</td>
                  <td className="whitespace-nowrap px-3 py-2 text-slate-700"><time dateTime={e.occurredAt}>{formatDateTime(e.occurredAt)}</time></td>
                  <td className="px-3 py-2 text-slate-700">
                    {e.actorRole ? (roleLabels[e.actorRole as Role] ?? e.actorRole) : 'System'}
                    <span className="block font-mono text-xs text-slate-500">{short(e.actorUserId)}</span>
                  </td>
                  <td className="px-3 py-2 font-mono text-xs text-slate-900">{e.action}</td>
                  <td className="px-3 py-2 text-slate-700">
                    {e.resourceType} <span className="font-mono text-xs text-slate-500">{short(e.resourceId)}</span>
                  </td>
                  <td className="px-3 py-2 font-mono text-xs text-slate-500">{short(e.practiceId)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <LoadMore hasMore={hasMore} error={moreError} busy={loadingMore} onLoadMore={loadMore} />
    </div>
  );
}
