'use client';

import Link from 'next/link';
import { useEffect, useState } from 'react';
import { billingApi, type Subscription } from '@/api/billing';
import { Icon } from '@/components/icons';
import { formatDate } from '@/lib/format';

/** What the banner says, or null when the subscription is in good standing. */
export function pastDueMessage(s: Pick<Subscription, 'status' | 'restricted' | 'pastDueSince' | 'graceEndsAt'>): string | null {
  if (s.restricted) {
    return 'Payment failed and the grace period is over: adding patients and staff is paused until you update your payment method. '
      + 'Care is not paused: scans, reviews, tagging and messages carry on as usual.';
  }
  if (s.status !== 'past_due') return null;
  const since = s.pastDueSince ? ` on ${formatDate(s.pastDueSince)}` : '';
  const until = s.graceEndsAt ? ` before ${formatDate(s.graceEndsAt)}` : '';
  return `Payment failed${since}. Please update your payment method${until}, or adding patients and staff will be paused (care never is).`;
}

/**
 * The owner's warning in the app shell when a payment failed. Amber, not red: red is kept for clinical warnings.
 * A failed load shows nothing; the billing page has the details and the errors.
 */
export function PastDueBanner() {
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    billingApi.subscription(controller.signal).then(
      (s) => setMessage(s ? pastDueMessage(s) : null),
      () => setMessage(null),
    );
    return () => controller.abort();
  }, []);
  if (!message) return null;
  return (
    <div role="alert" data-testid="past-due-banner" className="flex items-start gap-3 border-b border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900 sm:px-6">
      <Icon name="alert" className="mt-0.5 shrink-0" />
      <p className="flex-1">{message}</p>
      <Link href="/billing/" className="shrink-0 font-medium underline hover:no-underline">Update payment method</Link>
    </div>
  );
}
