import type { ReactNode } from 'react';
import { Icon } from './icons';

/** The calm frame of the pages used before signing in. */
export function PublicShell({ children, wide }: { children: ReactNode; wide?: boolean }) {
  return (
    <div className="flex min-h-screen flex-col items-center bg-slate-50 px-4 py-12">
      <div className="mb-8 flex items-center gap-2 text-slate-900">
        <span className="flex h-8 w-8 items-center justify-center rounded-md bg-accent-700 text-white">
          <Icon name="logo" width={18} height={18} />
        </span>
        <span className="text-lg font-semibold tracking-tight">OrthoScan</span>
      </div>
      <main id="main" className={`w-full ${wide ? 'max-w-lg' : 'max-w-md'} rounded-lg border border-slate-200 bg-white p-8 shadow-sm`}>
        {children}
      </main>
      <p className="mt-6 max-w-md text-center text-xs text-slate-500">
        Protected health information. Access is logged and requires two-factor authentication.
      </p>
    </div>
  );
}

export function CenteredLoading({ label = 'Loading' }: { label?: string }) {
  return (
    <div className="flex min-h-screen items-center justify-center bg-slate-50" role="status" aria-live="polite">
      <div className="flex items-center gap-3 text-sm text-slate-600">
        <span className="h-4 w-4 animate-spin rounded-full border-2 border-accent-700 border-r-transparent motion-reduce:animate-none" aria-hidden="true" />
        {label}…
      </div>
    </div>
  );
}
