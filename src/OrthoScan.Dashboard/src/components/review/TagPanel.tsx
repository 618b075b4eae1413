'use client';

import { useId, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import type { ApiError } from '@/api/errors';
import type { ReviewAction, Taxonomy, TaxonomyScore } from '@/api/review';
import { detailTagLabel, propertyName, scoreValueKey } from '@/api/taxonomy';
import { Icon } from '@/components/icons';
import { Button, cx, KeyHint, ProblemAlert } from '@/components/ui';
import {
  actionKeys,
  parseScore,
  scoreChoices,
  type AiHints,
  type AiMark,
  type FormProblems,
  type ScoreValue,
  type TagFormState,
} from './tagForm';

/** Focuses the tab stop of an attribute group (its chosen option, else its first). */
export function focusAttribute(attr: string): void {
  const group = document.querySelector<HTMLElement>(`[data-attr="${attr}"]`);
  group?.querySelector<HTMLElement>('[tabindex="0"]')?.focus();
}

/** The attribute group holding the focus, if any. */
export function focusedAttribute(): string | null {
  return (document.activeElement as HTMLElement | null)?.closest?.<HTMLElement>('[data-attr]')?.dataset.attr ?? null;
}

function AiBadge({ mark, agreed, display }: { mark: AiMark; agreed: boolean; display: string }) {
  const percent = Math.round(mark.confidence * 100);
  return (
    <span
      className={cx(
        'inline-flex items-center gap-1 rounded-full px-1.5 py-0.5 text-[11px] font-medium ring-1 ring-inset',
        agreed ? 'bg-sky-50 text-sky-800 ring-sky-600/20' : 'bg-slate-50 text-slate-500 ring-slate-400/20',
      )}
      title={`Suggested by ${mark.model} with ${percent}% confidence`}
      data-testid="ai-badge"
    >
      AI {display} · {percent}%
      <span className="sr-only">{agreed ? ' (your choice agrees)' : ' (you chose differently)'}</span>
    </span>
  );
}

/** Arrow keys move the choice inside a group, like radio buttons; Tab leaves the group. */
function onArrows(e: ReactKeyboardEvent<HTMLElement>, move: (delta: number) => void) {
  const delta = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
  if (delta === 0) return;
  e.preventDefault();
  move(delta);
}

/** The attribute holding the focus is tinted, so the doctor sees where the next digit goes. */
const groupShell = '-mx-2 flex flex-col gap-1.5 rounded-md px-2 py-1 focus-within:bg-accent-50/70';

function ChoiceButton({ checked, tabbable, onChoose, hint, children, tone, value, ai }: {
  checked: boolean; tabbable: boolean; onChoose: () => void; hint: string; children: ReactNode; tone?: 'warn'; value: string; ai?: boolean;
}) {
  return (
    <button
      type="button"
      role="radio"
      aria-checked={checked}
      tabIndex={tabbable ? 0 : -1}
      data-value={value}
      onClick={onChoose}
      className={cx(
        'relative flex min-h-9 min-w-0 items-center justify-center rounded-md border px-3 py-1 text-center text-xs font-medium leading-tight',
        'focus:outline-none focus:ring-2 focus:ring-accent-600 focus:ring-offset-1',
        checked
          ? tone === 'warn' ? 'border-red-600 bg-red-600 text-white' : 'border-accent-700 bg-accent-700 text-white'
          : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50',
      )}
    >
      <kbd className="absolute left-1 top-0.5 font-sans text-[10px] leading-none opacity-60" aria-hidden="true">{hint}</kbd>
      <span>{children}</span>
      {ai && <span className="absolute -right-1 -top-1.5 rounded bg-sky-600 px-1 text-[9px] font-semibold leading-3 text-white" aria-label="AI suggestion">AI</span>}
    </button>
  );
}

function ScoreGroup({ score, value, mark, error, onChange }: {
  score: TaxonomyScore; value: ScoreValue; mark?: AiMark; error?: string; onChange: (v: ScoreValue) => void;
}) {
  const id = useId();
  const attr = score.attribute;
  const options = scoreChoices(score);
  const label = (v: ScoreValue) => score.values.find((x) => x.value === scoreValueKey(v === 'na' ? null : v))?.label ?? String(v);
  const aiValue: ScoreValue = mark ? parseScore(mark.value, score) : null;
  const tabbable = value !== null && options.includes(value) ? value : options[0];
  const choose = (v: ScoreValue) => onChange(v);
  return (
    <div className={groupShell}>
      <div className="flex items-center justify-between gap-2">
        <span id={`${id}-label`} className="text-sm font-medium text-slate-800">{score.label}</span>
        {mark && aiValue !== null && (
          <AiBadge mark={mark} agreed={aiValue === value} display={aiValue === 'na' ? 'N/A' : String(aiValue)} />
        )}
      </div>
      {/* eslint-disable-next-line jsx-a11y/interactive-supports-focus -- roving tabindex (WAI-ARIA radio group): the radios take the focus, the group handles their arrow keys */}
      <div
        role="radiogroup"
        aria-labelledby={`${id}-label`}
        aria-describedby={error ? `${id}-error` : undefined}
        aria-invalid={error ? true : undefined}
        data-attr={attr}
        className="grid gap-1.5"
        style={{ gridTemplateColumns: `repeat(${options.length}, minmax(0, 1fr))` }}
        onKeyDown={(e) => onArrows(e, (delta) => {
          const at = Math.max(0, options.indexOf(value ?? options[0]));
          const next = options[(at + delta + options.length) % options.length];
          flushSync(() => choose(next));
          focusAttribute(attr);
        })}
      >
        {options.map((v) => (
          <ChoiceButton
            key={String(v)}
            value={String(v)}
            checked={value === v}
            tabbable={v === tabbable}
            hint={v === 'na' ? '0' : String(v)}
            tone={v === score.max ? 'warn' : undefined}
            ai={aiValue === v}
            onChoose={() => choose(v)}
          >
            {label(v)}
          </ChoiceButton>
        ))}
      </div>
      {error && <p id={`${id}-error`} className="text-xs text-red-700">{error}</p>}
    </div>
  );
}

function DetailTags({ taxonomy, form, hints, error, onChange }: {
  taxonomy: Taxonomy; form: TagFormState; hints: AiHints; error?: string; onChange: (form: TagFormState) => void;
}) {
  const id = useId();
  const codes = [...taxonomy.detailTags, ...taxonomy.customDetailTags].map((t) => t.code);
  const chosen = new Map(form.details.map((d) => [d.code, d]));
  const toggle = (code: string) => {
    const details = chosen.has(code)
      ? form.details.filter((d) => d.code !== code)
      : [...form.details, { code, location: '' }];
    onChange({ ...form, details });
  };
  return (
    <div className={groupShell}>
      <span id={`${id}-label`} className="flex items-center gap-2 text-sm font-medium text-slate-800">
        Details <span className="font-normal text-slate-500">(optional)</span> <KeyHint>D</KeyHint>
      </span>
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-element-interactions -- roving tabindex: the tag buttons take the focus, the group handles their arrow keys */}
      <div
        role="group"
        aria-labelledby={`${id}-label`}
        data-attr="details"
        className="flex flex-wrap gap-1"
        onKeyDown={(e) => onArrows(e, (delta) => {
          const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>('button')];
          const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
          const next = buttons[(at + delta + buttons.length) % buttons.length];
          buttons.forEach((b) => (b.tabIndex = b === next ? 0 : -1));
          next?.focus();
        })}
      >
        {codes.map((code, i) => {
          const on = chosen.has(code);
          const ai = hints.details[code];
          return (
            <button
              key={code}
              type="button"
              aria-pressed={on}
              tabIndex={i === 0 ? 0 : -1}
              onClick={() => toggle(code)}
              className={cx(
                'inline-flex h-6 items-center gap-1 rounded-full border px-2 text-[11px]',
                'focus:outline-none focus:ring-2 focus:ring-accent-600 focus:ring-offset-1',
                on ? 'border-accent-700 bg-accent-50 font-medium text-accent-900' : 'border-slate-300 bg-white text-slate-700 hover:bg-slate-50',
              )}
              title={ai ? `AI suggested, ${Math.round(ai.confidence * 100)}% confidence` : undefined}
            >
              {on && <Icon name="check" width={12} height={12} />}
              {detailTagLabel(taxonomy, code)}
              {ai && <span className="rounded bg-sky-600 px-1 text-[9px] font-semibold leading-3 text-white">AI</span>}
            </button>
          );
        })}
      </div>
      {form.details.length > 0 && (
        <div className="flex flex-col gap-1">
          {form.details.map((d) => (
            <label key={d.code} className="flex items-center justify-between gap-2 text-xs text-slate-700">
              <span>Where: {detailTagLabel(taxonomy, d.code)}</span>
              <select
                className="h-7 rounded-md border border-slate-300 bg-white px-2 text-xs"
                value={d.location}
                onChange={(e) => onChange({ ...form, details: form.details.map((x) => (x.code === d.code ? { ...x, location: e.target.value } : x)) })}
              >
                <option value="">Not specified</option>
                {taxonomy.locations.map((l) => <option key={l.code} value={l.code}>{l.label}</option>)}
              </select>
            </label>
          ))}
        </div>
      )}
      {error && <p className="text-xs text-red-700">{error}</p>}
    </div>
  );
}

export interface TagPanelProps {
  taxonomy: Taxonomy;
  form: TagFormState;
  hints: AiHints;
  problems: FormProblems['fields'];
  serverError: ApiError | null;
  canTag: boolean;
  onChange: (form: TagFormState) => void;
  /** A score chosen with the mouse or arrows; the keyboard path advances the focus itself. */
  onSubmit: () => void;
  onSkip: () => void;
  /** Escape in a text field hands the keyboard back to the panel. */
  onLeaveField: () => void;
}

export function TagPanel({ taxonomy, form, hints, problems, serverError, canTag, onChange, onSubmit, onSkip, onLeaveField }: TagPanelProps) {
  const actionId = useId();
  const fieldErrors = serverError?.fieldErrors ?? {};
  // The server names a score by its body field (`overallTracking`), the form by its key (`overall_tracking`).
  const err = (key: string) => problems[key] ?? (fieldErrors[propertyName(key)] ?? fieldErrors[key])?.join(' ');
  const actions: ReviewAction[] = taxonomy.actions.map((a) => a.action);
  const tabbableAction = form.action ?? actions[0];
  const leaveOnEscape = (e: ReactKeyboardEvent<HTMLElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onLeaveField();
    }
  };

  return (
    <form
      aria-label="Review tags"
      className="flex flex-col gap-2.5"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        onSubmit();
      }}
    >
      <ProblemAlert error={serverError && Object.keys(fieldErrors).length === 0 ? serverError : serverError ? { title: serverError.title, detail: null } : null} />
      {(Object.keys(hints.scores).length > 0 || Object.keys(hints.details).length > 0) && (
        <p className="rounded-md bg-sky-50 px-2.5 py-1.5 text-xs text-sky-900 ring-1 ring-inset ring-sky-600/20" data-testid="ai-notice">
          AI suggestion, not a diagnosis: confirm or change.
        </p>
      )}
      {taxonomy.scores.map((score) => (
        <ScoreGroup
          key={score.attribute}
          score={score}
          value={form.scores[score.attribute] ?? null}
          mark={hints.scores[score.attribute]}
          error={err(score.attribute)}
          onChange={(v) => onChange({ ...form, scores: { ...form.scores, [score.attribute]: v } })}
        />
      ))}

      <DetailTags taxonomy={taxonomy} form={form} hints={hints} error={err('code') ?? err('location') ?? err('detailTags')} onChange={onChange} />

      <div className={groupShell}>
        <span id={`${actionId}-label`} className="text-sm font-medium text-slate-800">Action</span>
        {/* eslint-disable-next-line jsx-a11y/interactive-supports-focus -- roving tabindex (WAI-ARIA radio group): the radios take the focus, the group handles their arrow keys */}
        <div
          role="radiogroup"
          aria-labelledby={`${actionId}-label`}
          aria-describedby={err('action') ? `${actionId}-error` : undefined}
          data-attr="action"
          className="grid grid-cols-2 gap-1.5"
          onKeyDown={(e) => onArrows(e, (delta) => {
            const at = actions.indexOf(form.action ?? actions[0]);
            flushSync(() => onChange({ ...form, action: actions[(at + delta + actions.length) % actions.length] }));
            focusAttribute('action');
          })}
        >
          {taxonomy.actions.map(({ action: a, label }) => (
            <ChoiceButton
              key={a}
              value={a}
              checked={form.action === a}
              tabbable={a === tabbableAction}
              hint={actionKeys[a]}
              onChoose={() => onChange({ ...form, action: a })}
            >
              {label}
            </ChoiceButton>
          ))}
        </div>
        {err('action') && <p id={`${actionId}-error`} className="text-xs text-red-700">{err('action')}</p>}
      </div>

      {form.action === 'hold_aligner' && (
        <div className="flex flex-col gap-1">
          <label htmlFor="hold-days" className="text-sm font-medium text-slate-800">Days to keep the current aligner</label>
          <input
            id="hold-days"
            type="text"
            inputMode="numeric"
            pattern="[0-9]*"
            maxLength={2}
            className={cx('h-9 w-24 rounded-md border bg-white px-3 text-sm tabular-nums', err('holdDays') ? 'border-red-500' : 'border-slate-300')}
            value={form.holdDays}
            aria-invalid={err('holdDays') ? true : undefined}
            aria-describedby="hold-days-hint"
            onChange={(e) => onChange({ ...form, holdDays: e.target.value.replace(/\D/g, '') })}
            onKeyDown={leaveOnEscape}
          />
          <p id="hold-days-hint" className={cx('text-xs', err('holdDays') ? 'text-red-700' : 'text-slate-500')}>
            {err('holdDays') ?? `${taxonomy.holdDays.min} to ${taxonomy.holdDays.max} days. Enter submits.`}
          </p>
        </div>
      )}

      <div className="flex flex-col gap-1">
        <label htmlFor="review-notes" className="flex items-center gap-2 text-sm font-medium text-slate-800">
          {form.action === 'message' ? 'Message to the patient' : 'Notes'}
          {form.action !== 'message' && <span className="font-normal text-slate-500">(optional)</span>}
        </label>
        <textarea
          id="review-notes"
          rows={2}
          maxLength={4000}
          className={cx('w-full rounded-md border bg-white px-3 py-2 text-sm', err('notes') ? 'border-red-500' : 'border-slate-300')}
          value={form.notes}
          aria-invalid={err('notes') ? true : undefined}
          aria-describedby="review-notes-hint"
          onChange={(e) => onChange({ ...form, notes: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault();
              onSubmit();
            } else leaveOnEscape(e);
          }}
        />
        <p id="review-notes-hint" className={cx('text-xs', err('notes') ? 'text-red-700' : 'text-slate-500')}>
          {err('notes') ?? 'Ctrl+Enter submits, Esc leaves the box.'}
        </p>
      </div>

      {!canTag && <p className="text-xs text-slate-600">Only doctors tag scans. You can look through the queue.</p>}
      <div className="flex items-center gap-2">
        <Button type="submit" disabled={!canTag} keyHint="Enter" className="flex-1 whitespace-nowrap px-3">Submit review</Button>
        <Button variant="secondary" onClick={onSkip} keyHint="N" className="whitespace-nowrap px-3">Skip</Button>
      </div>
    </form>
  );
}
