import Link from 'next/link';
import { PublicShell } from '@/components/PublicShell';

export default function NotFound() {
  return (
    <PublicShell>
      <h1 className="text-lg font-semibold text-slate-900">Page not found</h1>
      <p className="mt-1 text-sm text-slate-600">The address may be mistyped, or the page has moved.</p>
      <Link href="/" className="mt-4 inline-flex h-9 items-center rounded-md bg-accent-700 px-4 text-sm font-medium text-white hover:bg-accent-800">
        Go to the dashboard
      </Link>
    </PublicShell>
  );
}
