import { Icon } from '@/components/icons';
import type { Toast } from './reviewMachine';

/** The quiet word after an action ("Tagged …"), or a refusal with Reopen; bottom centre, over the page. */
export function ReviewToast({ toast, onReopen, onDismiss }: { toast: Toast | null; onReopen: () => void; onDismiss: () => void }) {
  return (
    <div className="pointer-events-none fixed inset-x-0 bottom-4 z-40 flex justify-center px-4">
      {toast && (
        <div
          key={toast.id}
          role={toast.tone === 'problem' ? 'alert' : 'status'}
          data-testid="review-toast"
          className={`pointer-events-auto flex max-w-xl items-center gap-3 rounded-md px-4 py-2.5 text-sm shadow-lg ${toast.tone === 'problem' ? 'bg-red-700 text-white' : 'bg-slate-900 text-white'}`}
        >
          <Icon name={toast.tone === 'problem' ? 'alert' : 'check'} width={16} height={16} className="shrink-0" />
          <span>{toast.text}</span>
          {toast.reopen && <button type="button" className="font-semibold underline" onClick={onReopen}>Reopen</button>}
          <button type="button" className="ml-1 opacity-70 hover:opacity-100" onClick={onDismiss} aria-label="Dismiss">
            <Icon name="close" width={14} height={14} />
          </button>
        </div>
      )}
    </div>
  );
}
