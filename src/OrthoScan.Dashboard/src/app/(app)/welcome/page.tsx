'use client';

import Link from 'next/link';
import { billingApi } from '@/api/billing';
import { Icon, type IconName } from '@/components/icons';
import { PageHeader } from '@/components/ui';
import { usePageTitle } from '@/lib/usePageTitle';
import { useResource } from '@/lib/useResource';

function Step({ done, icon, title, body, href, cta }: { done?: boolean; icon: IconName; title: string; body: string; href?: string; cta?: string }) {
  return (
    <li className="flex items-start gap-4 rounded-lg border border-slate-200 bg-white p-5">
      <span className={`flex h-9 w-9 shrink-0 items-center justify-center rounded-full ${done ? 'bg-accent-700 text-white' : 'bg-accent-50 text-accent-700'}`}>
        <Icon name={done ? 'check' : icon} width={18} height={18} />
      </span>
      <div className="flex-1">
        <h2 className="text-sm font-semibold text-slate-900">
          {title}
          {done && <span className="ml-2 text-xs font-medium text-accent-700">Done</span>}
        </h2>
        <p className="mt-0.5 text-sm text-slate-600">{body}</p>
      </div>
      {href && cta && (
        <Link href={href} className="inline-flex h-9 shrink-0 items-center rounded-md border border-slate-300 bg-white px-4 text-sm font-medium text-slate-800 hover:bg-slate-50">
          {cta}
        </Link>
      )}
    </li>
  );
}

/** First-run checklist after sign-up. */
export default function WelcomePage() {
  usePageTitle('Welcome');
  // Until the answer comes (or if it fails) the step stays open: choosing a plan twice is harmless, missing it is not.
  const subscription = useResource((signal) => billingApi.subscription(signal), 'welcome-subscription');
  const hasPlan = Boolean(subscription.data && subscription.data.status !== 'none');
  return (
    <div className="max-w-3xl">
      <PageHeader title="Welcome to OrthoScan" description="Your practice is set up. These steps get your team reviewing scans." />
      <ol className="flex flex-col gap-3">
        <Step done icon="compliance" title="Protect your account" body="Two-factor authentication is on for your sign-in." />
        <Step done={hasPlan} icon="billing" title="Choose a plan" body="Pick the plan that fits your practice; every paid plan starts with a free trial." href="/billing/" cta={hasPlan ? 'See billing' : 'Choose a plan'} />
        <Step icon="settings" title="Invite staff" body="Add the doctors and assistants who review scans and manage patients." href="/settings/" cta="Invite staff" />
        <Step icon="settings" title="Review your practice settings" body="Country, time zone, billing email, and whether de-identified data may be shared or photos sent to an external AI service (both off until you turn them on)." href="/settings/#practice" cta="Review settings" />
        <Step icon="patients" title="Add your first patient" body="Create the patient record, then invite them to the app with a one-time code." href="/patients/new/" cta="Add your first patient" />
      </ol>
    </div>
  );
}
