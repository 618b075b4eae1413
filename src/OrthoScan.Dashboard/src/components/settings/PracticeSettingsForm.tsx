'use client';

import { useMemo, useState, type FormEvent } from 'react';
import { api } from '@/api/client';
import { asApiError, type ApiError } from '@/api/errors';
import type { PracticeSettings } from '@/api/types';
import { Button, CheckboxField, ErrorState, Notice, ProblemAlert, Skeleton, TextField } from '@/components/ui';
import { formatDateTime, looksLikeEmail } from '@/lib/format';
import { useTimeZones } from '@/lib/hooks';
import { useResource } from '@/lib/useResource';

// ISO 3166-1 alpha-2: the API accepts exactly these; the browser names them in the user's language.
const countryCodes = (
  'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD ' +
  'CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG ' +
  'GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR ' +
  'KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF ' +
  'NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM ' +
  'SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE ' +
  'YT ZA ZM ZW'
).split(' ');

type Field = 'country' | 'region' | 'timezone' | 'billingEmail';
type DataChoiceField = 'shareDeidentifiedData' | 'externalAiProcessing';

const dataChoices: { field: DataChoiceField; label: string; hint: string; testId: string }[] = [
  {
    field: 'shareDeidentifiedData',
    label: "Share de-identified scans and tags for research and for training OrthoScan's models",
    hint: 'Names, dates and photo metadata are removed first; patients who did not consent are left out.',
    testId: 'share-changed',
  },
  {
    field: 'externalAiProcessing',
    label: 'Send photos to an external AI service for suggested tags',
    hint: "Off: suggestions come only from OrthoScan's own models, on our servers.",
    testId: 'ai-changed',
  },
];

interface Values {
  country: string;
  region: string;
  timezone: string;
  billingEmail: string;
  shareDeidentifiedData: boolean;
  externalAiProcessing: boolean;
}

function valuesOf(s: PracticeSettings): Values {
  return {
    country: s.country ?? '',
    region: s.region ?? '',
    timezone: s.timezone,
    billingEmail: s.billingEmail ?? '',
    shareDeidentifiedData: s.shareDeidentifiedData.enabled,
    externalAiProcessing: s.externalAiProcessing.enabled,
  };
}

function changedLine(choice: PracticeSettings['shareDeidentifiedData']): string {
  if (!choice.changedAt) return 'Off since the practice was created.';
  return `Turned ${choice.enabled ? 'on' : 'off'} by ${choice.changedBy ?? 'a former member'} on ${formatDateTime(choice.changedAt)}.`;
}

/** Owner-only: where the practice is, its time zone, where invoices go, and what its data may be used for. */
export function PracticeSettingsForm() {
  const settings = useResource((signal) => api.practiceSettings(signal), 'practice-settings');
  if (settings.error) return <ErrorState error={settings.error} onRetry={settings.reload} />;
  if (!settings.data) return <Skeleton className="h-64" />;
  return <LoadedForm settings={settings.data} onSaved={settings.setData} />;
}

function LoadedForm({ settings, onSaved }: { settings: PracticeSettings; onSaved: (s: PracticeSettings) => void }) {
  const [values, setValues] = useState<Values>(() => valuesOf(settings));
  const [errors, setErrors] = useState<Partial<Record<Field, string[]>>>({});
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const countries = useMemo(() => {
    const names = typeof Intl.DisplayNames === 'function' ? new Intl.DisplayNames(undefined, { type: 'region' }) : null;
    return countryCodes.map((code) => ({ code, name: names?.of(code) ?? code }));
  }, []);
  const timeZones = useTimeZones();

  const set = <K extends keyof Values>(field: K, value: Values[K]) => {
    setSaved(false);
    setValues((v) => ({ ...v, [field]: value }));
  };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    const country = values.country.trim().toUpperCase();
    const local: Partial<Record<Field, string[]>> = {};
    if (country && !countryCodes.includes(country)) local.country = ['Choose a country from the list (a two-letter code such as GB).'];
    const email = values.billingEmail.trim();
    if (email && !looksLikeEmail(email)) local.billingEmail = ['Enter an email address like accounts@practice.com.'];
    setErrors(local);
    const first = Object.keys(local)[0];
    if (first) {
      event.currentTarget.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const result = await api.updatePracticeSettings({
        country: country || null,
        region: values.region.trim(),
        timezone: values.timezone.trim() || null,
        billingEmail: email,
        shareDeidentifiedData: values.shareDeidentifiedData,
        externalAiProcessing: values.externalAiProcessing,
      });
      onSaved(result);
      setSaved(true);
    } catch (e) {
      const apiError = asApiError(e);
      setErrors(apiError.fieldErrors);
      setProblem(apiError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-5" aria-label="Practice settings">
      <ProblemAlert error={problem} />
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField label="Country" name="country" list="countries" autoComplete="off" value={values.country}
          onChange={(e) => set('country', e.target.value)} errors={errors.country} hint="Two-letter code, e.g. GB, US, DE." />
        <datalist id="countries">
          {countries.map((c) => <option key={c.code} value={c.code}>{c.name}</option>)}
        </datalist>
        <TextField label="Region or state" name="region" autoComplete="off" optional value={values.region}
          onChange={(e) => set('region', e.target.value)} errors={errors.region} />
        <TextField label="Time zone" name="timezone" list="practice-timezones" autoComplete="off" value={values.timezone}
          onChange={(e) => set('timezone', e.target.value)} errors={errors.timezone} hint="Reports and due dates follow it." />
        <datalist id="practice-timezones">
          {timeZones.map((z) => <option key={z} value={z} />)}
        </datalist>
        <TextField label="Billing email" name="billingEmail" type="email" autoComplete="off" optional value={values.billingEmail}
          onChange={(e) => set('billingEmail', e.target.value)} errors={errors.billingEmail} hint="Invoices go here, never to patients." />
      </div>

      <fieldset className="flex flex-col gap-4 rounded-md border border-slate-200 p-4">
        <legend className="px-1 text-sm font-semibold text-slate-900">How your practice&apos;s data may be used</legend>
        {dataChoices.map((choice) => (
          <div key={choice.field}>
            <CheckboxField label={choice.label} name={choice.field} checked={values[choice.field]}
              onChange={(e) => set(choice.field, e.target.checked)} hint={choice.hint} />
            <p className="ml-6 mt-1 text-xs text-slate-500" data-testid={choice.testId}>{changedLine(settings[choice.field])}</p>
          </div>
        ))}
      </fieldset>

      <div className="flex items-center gap-4">
        <Button type="submit" busy={busy}>Save settings</Button>
        {saved && <Notice tone="success">Settings saved. Each change is recorded in the audit log.</Notice>}
      </div>
    </form>
  );
}
