'use client';

import { useState } from 'react';
import { asApiError, type ApiError } from '@/api/errors';
import { Button, Card, Notice, ProblemAlert, TextField } from '@/components/ui';

export const erasureWord = 'ERASE';

export interface ErasureResult {
  patientId: string;
  erasedAt: string;
  imagesShredded: number;
}

type Step = 'idle' | 'warning' | 'typing';

/**
 * The owner's GDPR actions on a patient: download the full record (a ZIP), or erase the patient. Erasure asks twice:
 * a warning dialog first, then the word ERASE typed out, and only then is the request sent.
 */
export function DataRightsCard({ patientName, erased, onDownload, onErase }: {
  patientName: string;
  erased: boolean;
  onDownload: () => Promise<void>;
  onErase: (confirmation: string) => Promise<ErasureResult>;
}) {
  const [step, setStep] = useState<Step>('idle');
  const [typed, setTyped] = useState('');
  const [busy, setBusy] = useState<'download' | 'erase' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [result, setResult] = useState<ErasureResult | null>(null);

  async function run<T>(what: 'download' | 'erase', action: () => Promise<T>): Promise<T | null> {
    setBusy(what);
    setError(null);
    try {
      return await action();
    } catch (e) {
      setError(asApiError(e));
      return null;
    } finally {
      setBusy(null);
    }
  }

  function cancel() {
    setStep('idle');
    setTyped('');
    setError(null);
  }

  if (erased || result) {
    return (
      <Card title="Data rights">
        {result ? (
          <Notice tone="success">
            Patient erased. Their identity and contact details are removed and {result.imagesShredded} photo{result.imagesShredded === 1 ? ' is' : 's are'} permanently unreadable.
          </Notice>
        ) : (
          <p className="text-sm text-slate-600">This patient was erased. Their identity and photos can no longer be read.</p>
        )}
      </Card>
    );
  }

  return (
    <Card title="Data rights">
      <div className="flex flex-col gap-3">
        <p className="text-sm text-slate-600">Give the patient a copy of their record, or erase them when they ask (GDPR).</p>
        <ProblemAlert error={error} />
        <div className="flex flex-wrap gap-2">
          <Button variant="secondary" busy={busy === 'download'} onClick={() => run('download', onDownload)}>Download record</Button>
          {step === 'idle' && <Button variant="danger" onClick={() => setStep('warning')}>Erase patient…</Button>}
        </div>

        {step === 'warning' && (
          <div role="alertdialog" aria-modal="false" aria-labelledby="erase-title" aria-describedby="erase-description" className="flex flex-col gap-3 rounded-md border border-red-200 bg-red-50 p-4">
            <h3 id="erase-title" className="text-sm font-semibold text-red-900">Erase {patientName}?</h3>
            <p id="erase-description" className="text-sm text-red-900">
              Names, contact details, date of birth and the app account are removed, and every photo becomes permanently
              unreadable. Scans, tags and messages stay without a name. This cannot be undone.
            </p>
            <div className="flex gap-2">
              <Button variant="danger" onClick={() => setStep('typing')}>Continue</Button>
              {/* eslint-disable-next-line jsx-a11y/no-autofocus -- a destructive confirmation opens on its safe choice (WAI-ARIA alert dialog pattern) */}
              <Button variant="ghost" onClick={cancel} autoFocus>Cancel</Button>
            </div>
          </div>
        )}

        {step === 'typing' && (
          <form
            className="flex flex-col gap-3 rounded-md border border-red-200 bg-red-50 p-4"
            onSubmit={async (event) => {
              event.preventDefault();
              if (typed !== erasureWord) return;
              const erased = await run('erase', () => onErase(typed));
              if (erased) setResult(erased);
            }}
          >
            <TextField
              label={`Type ${erasureWord} to erase ${patientName}`}
              value={typed}
              onChange={(event) => setTyped(event.target.value)}
              autoComplete="off"
              spellCheck={false}
            />
            <div className="flex gap-2">
              <Button type="submit" variant="danger" busy={busy === 'erase'} disabled={typed !== erasureWord}>Erase permanently</Button>
              <Button variant="ghost" onClick={cancel}>Cancel</Button>
            </div>
          </form>
        )}
      </div>
    </Card>
  );
}
