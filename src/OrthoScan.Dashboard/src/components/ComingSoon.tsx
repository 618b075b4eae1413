'use client';

import type { ReactNode } from 'react';
import type { IconName } from './icons';
import { Icon } from './icons';
import { PageHeader } from './ui';
import { usePageTitle } from '@/lib/usePageTitle';

/** An honest placeholder: the section exists in the navigation, its screens arrive in a later release. */
export function ComingSoon({ title, icon, description, children }: { title: string; icon: IconName; description: string; children?: ReactNode }) {
  usePageTitle(title);
  return (
    <>
      <PageHeader title={title} />
      <div className="flex flex-col items-center rounded-lg border border-slate-200 bg-white px-6 py-16 text-center">
        <span className="mb-4 flex h-12 w-12 items-center justify-center rounded-full bg-accent-50 text-accent-700">
          <Icon name={icon} width={22} height={22} />
        </span>
        <p className="text-xs font-semibold uppercase tracking-wider text-accent-700">Coming soon</p>
        <h2 className="mt-1 text-base font-semibold text-slate-900">{title} is not available yet</h2>
        <p className="mt-2 max-w-md text-sm text-slate-600">{description}</p>
        {children && <div className="mt-6 flex gap-2">{children}</div>}
      </div>
    </>
  );
}
