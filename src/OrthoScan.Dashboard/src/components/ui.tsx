'use client';

import Link from 'next/link';
import {
  forwardRef,
  useId,
  type ButtonHTMLAttributes,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  type TextareaHTMLAttributes,
} from 'react';
import type { ApiError } from '@/api/errors';
import { Icon, type IconName } from './icons';

export function cx(...classes: (string | false | null | undefined)[]): string {
  return classes.filter(Boolean).join(' ');
}

type Variant = 'primary' | 'secondary' | 'ghost' | 'danger';

const variants: Record<Variant, string> = {
  primary: 'bg-accent-700 text-white hover:bg-accent-800 disabled:bg-accent-700/50',
  secondary: 'border border-slate-300 bg-white text-slate-800 hover:bg-slate-50 disabled:text-slate-400',
  ghost: 'text-slate-700 hover:bg-slate-100 disabled:text-slate-400',
  danger: 'border border-red-300 bg-white text-red-700 hover:bg-red-50 disabled:text-red-300',
};

export const buttonClass = (variant: Variant = 'primary', extra?: string, size: 'md' | 'sm' = 'md') =>
  cx(
    'inline-flex items-center justify-center gap-2 rounded-md text-sm font-medium transition-colors',
    size === 'sm' ? 'h-8 px-2.5' : 'h-9 px-4',
    'disabled:cursor-not-allowed motion-reduce:transition-none',
    variants[variant],
    extra,
  );

export interface ButtonProps extends ButtonHTMLAttributes<HTMLButtonElement> {
  variant?: Variant;
  busy?: boolean;
  /** A single-key shortcut shown beside the label. */
  keyHint?: string;
  /** `sm` for actions inside table rows. */
  size?: 'md' | 'sm';
}

export const Button = forwardRef<HTMLButtonElement, ButtonProps>(function Button(
  { variant = 'primary', busy, keyHint, className, children, disabled, type = 'button', size, ...rest },
  ref,
) {
  return (
    <button ref={ref} type={type} className={buttonClass(variant, className, size)} disabled={disabled || busy} aria-busy={busy || undefined} {...rest}>
      {busy && <Spinner />}
      {children}
      {keyHint && <KeyHint>{keyHint}</KeyHint>}
    </button>
  );
});

export function ButtonLink({ href, variant = 'primary', keyHint, className, children }: {
  href: string; variant?: Variant; keyHint?: string; className?: string; children: ReactNode;
}) {
  return (
    <Link href={href} className={buttonClass(variant, className)}>
      {children}
      {keyHint && <KeyHint>{keyHint}</KeyHint>}
    </Link>
  );
}

export function KeyHint({ children }: { children: ReactNode }) {
  return (
    <kbd className="ml-1 rounded border border-current/30 px-1 font-sans text-[11px] leading-4 opacity-70" aria-hidden="true">
      {children}
    </kbd>
  );
}

export function Spinner() {
  return (
    <span
      className="h-3.5 w-3.5 animate-spin rounded-full border-2 border-current border-r-transparent motion-reduce:animate-none"
      aria-hidden="true"
    />
  );
}

interface FieldShellProps {
  id: string;
  label: string;
  hint?: ReactNode;
  errors?: string[];
  optional?: boolean;
  children: ReactNode;
  className?: string;
}

function FieldShell({ id, label, hint, errors, optional, children, className }: FieldShellProps) {
  return (
    <div className={cx('flex flex-col gap-1', className)}>
      <label htmlFor={id} className="text-sm font-medium text-slate-800">
        {label}
        {optional && <span className="ml-1 font-normal text-slate-500">(optional)</span>}
      </label>
      {children}
      {hint && !errors?.length && (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      )}
      {errors && errors.length > 0 && (
        <p id={`${id}-error`} className="flex items-start gap-1 text-xs text-red-700">
          <Icon name="alert" width={14} height={14} className="mt-px shrink-0" />
          <span>{errors.join(' ')}</span>
        </p>
      )}
    </div>
  );
}

const controlClass = (invalid: boolean) =>
  cx(
    'h-9 w-full rounded-md border bg-white px-3 text-sm text-slate-900 placeholder:text-slate-400',
    'disabled:bg-slate-50 disabled:text-slate-500',
    invalid ? 'border-red-500' : 'border-slate-300 hover:border-slate-400',
  );

function describedBy(id: string, hint: unknown, errors?: string[]) {
  if (errors?.length) return `${id}-error`;
  return hint ? `${id}-hint` : undefined;
}

interface CommonFieldProps {
  label: string;
  hint?: ReactNode;
  errors?: string[];
  optional?: boolean;
  containerClassName?: string;
}

export const TextField = forwardRef<HTMLInputElement, CommonFieldProps & InputHTMLAttributes<HTMLInputElement>>(
  function TextField({ label, hint, errors, optional, containerClassName, id, className, ...rest }, ref) {
    const autoId = useId();
    const fieldId = id ?? autoId;
    const invalid = Boolean(errors?.length);
    return (
      <FieldShell id={fieldId} label={label} hint={hint} errors={errors} optional={optional} className={containerClassName}>
        <input
          ref={ref}
          id={fieldId}
          className={cx(controlClass(invalid), className)}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy(fieldId, hint, errors)}
          {...rest}
        />
      </FieldShell>
    );
  },
);

export function TextAreaField({ label, hint, errors, optional, containerClassName, id, ...rest }: CommonFieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  const autoId = useId();
  const fieldId = id ?? autoId;
  const invalid = Boolean(errors?.length);
  return (
    <FieldShell id={fieldId} label={label} hint={hint} errors={errors} optional={optional} className={containerClassName}>
      <textarea
        id={fieldId}
        className={cx(controlClass(invalid), 'h-auto min-h-[72px] py-2')}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy(fieldId, hint, errors)}
        {...rest}
      />
    </FieldShell>
  );
}

export function SelectField({ label, hint, errors, optional, containerClassName, id, children, ...rest }: CommonFieldProps & SelectHTMLAttributes<HTMLSelectElement>) {
  const autoId = useId();
  const fieldId = id ?? autoId;
  const invalid = Boolean(errors?.length);
  return (
    <FieldShell id={fieldId} label={label} hint={hint} errors={errors} optional={optional} className={containerClassName}>
      <select
        id={fieldId}
        className={cx(controlClass(invalid), 'pr-8')}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy(fieldId, hint, errors)}
        {...rest}
      >
        {children}
      </select>
    </FieldShell>
  );
}

export function CheckboxField({ label, hint, errors, id, ...rest }: Omit<CommonFieldProps, 'optional'> & InputHTMLAttributes<HTMLInputElement>) {
  const autoId = useId();
  const fieldId = id ?? autoId;
  const invalid = Boolean(errors?.length);
  return (
    <div className="flex items-start gap-2">
      <input
        id={fieldId}
        type="checkbox"
        className="mt-0.5 h-4 w-4 rounded border-slate-300 text-accent-700 accent-accent-700"
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy(fieldId, hint, errors)}
        {...rest}
      />
      <div className="flex flex-col gap-0.5">
        <label htmlFor={fieldId} className="text-sm font-medium text-slate-800">
          {label}
        </label>
        {hint && !invalid && <p id={`${fieldId}-hint`} className="text-xs text-slate-500">{hint}</p>}
        {invalid && <p id={`${fieldId}-error`} className="text-xs text-red-700">{errors!.join(' ')}</p>}
      </div>
    </div>
  );
}

/** A problem that stops the whole form or page: the ProblemDetails title, its detail, never raw JSON. */
export function ProblemAlert({ error, children }: { error: Pick<ApiError, 'title' | 'detail'> | null; children?: ReactNode }) {
  if (!error) return null;
  return (
    <div role="alert" className="flex gap-3 rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
      <Icon name="alert" className="mt-0.5 shrink-0" />
      <div>
        <p className="font-medium">{error.title}</p>
        {error.detail && <p className="mt-0.5 text-red-700">{error.detail}</p>}
        {children}
      </div>
    </div>
  );
}

export function Notice({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'success' }) {
  return (
    <div
      role="status"
      className={cx(
        'rounded-md border px-4 py-3 text-sm',
        tone === 'success' ? 'border-accent-100 bg-accent-50 text-accent-900' : 'border-slate-200 bg-slate-50 text-slate-700',
      )}
    >
      {children}
    </div>
  );
}

export function Skeleton({ className }: { className?: string }) {
  return <div className={cx('animate-pulse rounded bg-slate-200/80 motion-reduce:animate-none', className)} aria-hidden="true" />;
}

export function EmptyState({ icon = 'check', title, children, action }: {
  icon?: IconName; title: string; children?: ReactNode; action?: ReactNode;
}) {
  return (
    <div className="flex flex-col items-center rounded-lg border border-dashed border-slate-300 bg-white px-6 py-12 text-center">
      <span className="mb-3 flex h-10 w-10 items-center justify-center rounded-full bg-accent-50 text-accent-700">
        <Icon name={icon} width={20} height={20} />
      </span>
      <h2 className="text-base font-semibold text-slate-900">{title}</h2>
      {children && <div className="mt-1 max-w-md text-sm text-slate-600">{children}</div>}
      {action && <div className="mt-4 flex gap-2">{action}</div>}
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: Pick<ApiError, 'title' | 'detail'>; onRetry?: () => void }) {
  return (
    <div role="alert" className="flex flex-col items-center rounded-lg border border-red-200 bg-white px-6 py-12 text-center">
      <span className="mb-3 flex h-10 w-10 items-center justify-center rounded-full bg-red-50 text-red-700">
        <Icon name="alert" width={20} height={20} />
      </span>
      <h2 className="text-base font-semibold text-slate-900">{error.title}</h2>
      {error.detail && <p className="mt-1 max-w-md text-sm text-slate-600">{error.detail}</p>}
      {onRetry && (
        <Button variant="secondary" className="mt-4" onClick={onRetry}>
          Retry
        </Button>
      )}
    </div>
  );
}

/** The foot of a paged list: "Load more" while there is more, and the error of the last page with a retry. */
export function LoadMore({ hasMore, error, busy, onLoadMore }: {
  hasMore: boolean;
  error: Pick<ApiError, 'title'> | null;
  busy: boolean;
  onLoadMore: () => void;
}) {
  if (!hasMore && !error) return null;
  return (
    <div className="flex flex-col items-center gap-2">
      {error && <p role="alert" className="text-sm text-red-700">{error.title}</p>}
      <Button variant="secondary" busy={busy} onClick={onLoadMore}>{error ? 'Retry loading more' : 'Load more'}</Button>
    </div>
  );
}

export function PageHeader({ title, description, actions }: { title: string; description?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="mb-6 flex flex-wrap items-start justify-between gap-4">
      <div>
        <h1 className="text-xl font-semibold text-slate-900">{title}</h1>
        {description && <p className="mt-1 text-sm text-slate-600">{description}</p>}
      </div>
      {actions && <div className="flex flex-wrap items-center gap-2">{actions}</div>}
    </div>
  );
}

export function Card({ title, children, className, actions }: { title?: string; children: ReactNode; className?: string; actions?: ReactNode }) {
  return (
    <section className={cx('rounded-lg border border-slate-200 bg-white p-6', className)} aria-label={title}>
      {(title || actions) && (
        <div className="mb-4 flex items-center justify-between gap-2">
          {title && <h2 className="text-base font-semibold text-slate-900">{title}</h2>}
          {actions}
        </div>
      )}
      {children}
    </section>
  );
}

const badgeTones: Record<string, string> = {
  active: 'bg-accent-50 text-accent-800 ring-accent-600/20',
  invited: 'bg-sky-50 text-sky-800 ring-sky-600/20',
  paused: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  completed: 'bg-slate-100 text-slate-700 ring-slate-500/20',
  archived: 'bg-slate-100 text-slate-500 ring-slate-400/20',
  // Export states.
  queued: 'bg-sky-50 text-sky-800 ring-sky-600/20',
  running: 'bg-sky-50 text-sky-800 ring-sky-600/20',
  failed: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  erased: 'bg-slate-100 text-slate-500 ring-slate-400/20',
  // Billing and finance states.
  trialing: 'bg-sky-50 text-sky-800 ring-sky-600/20',
  paid: 'bg-accent-50 text-accent-800 ring-accent-600/20',
  approved: 'bg-accent-50 text-accent-800 ring-accent-600/20',
  adjusted: 'bg-accent-50 text-accent-800 ring-accent-600/20',
  open: 'bg-sky-50 text-sky-800 ring-sky-600/20',
  proposed: 'bg-sky-50 text-sky-800 ring-sky-600/20',
  past_due: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  incomplete: 'bg-amber-50 text-amber-800 ring-amber-600/20',
  uncollectible: 'bg-amber-50 text-amber-800 ring-amber-600/20',
};

/** A state as a small pill; `label` replaces the raw value when it is not a word (`past_due`). */
export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span className={cx('inline-flex items-center whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset', !label && 'capitalize', badgeTones[status] ?? badgeTones.completed)}>
      {label ?? status}
    </span>
  );
}
