import type { Taxonomy } from '@/api/review';
import { Button } from '@/components/ui';
import { PanelSkeleton } from './QueueStates';
import type { Scan } from './reviewMachine';
import { focusAttribute, TagPanel } from './TagPanel';
import type { FormProblems, TagFormState } from './tagForm';

/** The right third: the tag panel once the scan is here, else why it is not. */
export function TagAside({ taxonomy, scan, problems, canTag, onChange, onSubmit, onSkip }: {
  taxonomy: Taxonomy | null;
  scan: Scan;
  problems: FormProblems['fields'];
  canTag: boolean;
  onChange: (form: TagFormState) => void;
  onSubmit: () => void;
  onSkip: () => void;
}) {
  return (
    <aside className="self-start rounded-lg border border-slate-200 bg-white p-4 lg:sticky lg:top-16" aria-label="Tag this scan">
      {taxonomy && scan.form ? (
        <TagPanel
          taxonomy={taxonomy}
          form={scan.form}
          hints={scan.hints}
          problems={problems}
          serverError={scan.serverError}
          canTag={canTag}
          onChange={onChange}
          onSubmit={onSubmit}
          onSkip={onSkip}
          onLeaveField={() => focusAttribute('action')}
        />
      ) : scan.error ? (
        <div className="flex flex-col gap-3">
          <p className="text-sm text-slate-600">This scan could not be opened.</p>
          <Button variant="secondary" onClick={onSkip} keyHint="N">Next scan</Button>
        </div>
      ) : (
        <PanelSkeleton />
      )}
    </aside>
  );
}
