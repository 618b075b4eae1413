import { Button, ButtonLink, EmptyState, Skeleton } from '@/components/ui';
import { PhotoGridSkeleton } from './PhotoGrid';

/** The panel's shape while its data loads. */
export function PanelSkeleton() {
  return (
    <div className="flex flex-col gap-4" aria-hidden="true">
      {Array.from({ length: 5 }).map((_, i) => <Skeleton key={i} className="h-12" />)}
    </div>
  );
}

export function ReviewSkeleton() {
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]" aria-busy="true" aria-label="Loading the review queue">
      <div className="flex flex-col gap-3">
        <Skeleton className="h-5 w-56" />
        <PhotoGridSkeleton />
      </div>
      <div className="flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-4">
        {Array.from({ length: 5 }).map((_, i) => <Skeleton key={i} className="h-12" />)}
      </div>
    </div>
  );
}

/** Nothing waiting: says what to do next, with how many patients are overdue for a scan when known. */
export function EmptyQueue({ overdue, onCheckAgain }: { overdue: number | null; onCheckAgain: () => void }) {
  return (
    <EmptyState
      icon="check"
      title="No scans waiting"
      action={<>
        <ButtonLink href="/compliance/" variant="secondary">Open compliance</ButtonLink>
        <Button variant="ghost" onClick={onCheckAgain}>Check again</Button>
      </>}
    >
      You are all caught up.{' '}
      {overdue === null ? 'Compliance shows who is due for a scan.' : overdue === 0 ? 'Compliance shows no patient overdue for a scan.'
        : `Compliance shows ${overdue} ${overdue === 1 ? 'patient' : 'patients'} overdue for a scan.`}
    </EmptyState>
  );
}
