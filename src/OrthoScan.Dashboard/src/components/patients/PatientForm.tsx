'use client';

import Link from 'next/link';
import { useRef, useState, type FormEvent } from 'react';
import { asApiError, type ApiError } from '@/api/errors';
import {
  preferredLanguages,
  scanFrequencies,
  treatmentTypes,
  type CreatePatientBody,
  type Patient,
  type PatientChanges,
  type PatientStatus,
  type PracticeMember,
  type PreferredLanguage,
  type ScanFrequency,
  type TreatmentType,
} from '@/api/types';
import { frequencyLabels, languageLabels, looksLikeEmail, treatmentLabels } from '@/lib/format';
import { useTimeZones } from '@/lib/hooks';
import { Button, buttonClass, CheckboxField, ProblemAlert, SelectField, TextField } from '@/components/ui';

export interface PatientFormValues {
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  doctorId: string;
  treatmentType: TreatmentType;
  alignerBrand: string;
  currentStage: string;
  totalStages: string;
  treatmentStartDate: string;
  scanFrequency: ScanFrequency;
  status: PatientStatus | '';
  email: string;
  phone: string;
  timezone: string;
  preferredLanguage: PreferredLanguage;
  researchConsent: boolean;
}

export type PatientField = keyof PatientFormValues;

const fieldOrder: PatientField[] = [
  'firstName', 'lastName', 'dateOfBirth', 'treatmentType', 'alignerBrand', 'doctorId', 'currentStage', 'totalStages',
  'treatmentStartDate', 'scanFrequency', 'status', 'email', 'phone', 'timezone', 'preferredLanguage', 'researchConsent',
];

const fieldLabels: Record<PatientField, string> = {
  firstName: 'First name',
  lastName: 'Last name',
  dateOfBirth: 'Date of birth',
  doctorId: 'Doctor',
  treatmentType: 'Treatment type',
  alignerBrand: 'Aligner brand',
  currentStage: 'Current stage',
  totalStages: 'Total stages',
  treatmentStartDate: 'Treatment start date',
  scanFrequency: 'Scan frequency',
  status: 'Status',
  email: 'Email',
  phone: 'Mobile phone',
  timezone: 'Time zone',
  preferredLanguage: 'Preferred language',
  researchConsent: 'Research consent',
};

function browserTimeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  } catch {
    return 'UTC';
  }
}

export function emptyPatientValues(): PatientFormValues {
  return {
    firstName: '', lastName: '', dateOfBirth: '', doctorId: '', treatmentType: 'clear_aligners', alignerBrand: '',
    currentStage: '1', totalStages: '', treatmentStartDate: '', scanFrequency: 'weekly', status: '', email: '', phone: '',
    timezone: browserTimeZone(), preferredLanguage: 'en', researchConsent: false,
  };
}

export function valuesFromPatient(p: Patient): PatientFormValues {
  return {
    firstName: p.firstName, lastName: p.lastName, dateOfBirth: p.dateOfBirth ?? '', doctorId: p.doctorId ?? '',
    treatmentType: p.treatmentType, alignerBrand: p.alignerBrand ?? '', currentStage: String(p.currentStage),
    totalStages: String(p.totalStages), treatmentStartDate: p.treatmentStartDate ?? '', scanFrequency: p.scanFrequency, status: p.status, email: p.email ?? '',
    phone: p.phone ?? '', timezone: p.timezone, preferredLanguage: p.preferredLanguage, researchConsent: p.researchConsent.given,
  };
}

const orNull = (s: string) => (s.trim() === '' ? null : s.trim());
const intOrNull = (s: string) => (s.trim() === '' ? null : Number(s));
/** Phones are sent without the spaces people type: `+44 20 7946 0958` -> `+442079460958`. */
const phoneOrNull = (s: string) => orNull(s.replace(/[\s()-]/g, ''));

export function toCreateBody(v: PatientFormValues): CreatePatientBody {
  return {
    firstName: v.firstName.trim(), lastName: v.lastName.trim(), dateOfBirth: orNull(v.dateOfBirth), doctorId: orNull(v.doctorId),
    treatmentType: v.treatmentType, alignerBrand: orNull(v.alignerBrand), currentStage: intOrNull(v.currentStage),
    totalStages: intOrNull(v.totalStages), scanFrequency: v.scanFrequency, email: orNull(v.email), phone: phoneOrNull(v.phone),
    timezone: orNull(v.timezone), preferredLanguage: v.preferredLanguage, researchConsent: v.researchConsent,
  };
}

/** PATCH: a null field keeps its stored value, so an emptied optional field is left as it was (see README). */
export function toChanges(v: PatientFormValues): PatientChanges {
  const { researchConsent, ...rest } = toCreateBody(v);
  return {
    ...rest, status: v.status === '' || v.status === 'archived' ? null : v.status, researchConsent, treatmentStartDate: orNull(v.treatmentStartDate),
  };
}

type Errors = Partial<Record<PatientField, string[]>>;

export function validatePatient(v: PatientFormValues): Errors {
  const e: Errors = {};
  if (!v.firstName.trim()) e.firstName = ['Enter the first name.'];
  if (!v.lastName.trim()) e.lastName = ['Enter the last name.'];
  if (!v.dateOfBirth) e.dateOfBirth = ['Enter the date of birth.'];
  else if (v.dateOfBirth > new Date().toISOString().slice(0, 10)) e.dateOfBirth = ['Enter a date of birth in the past.'];
  if (!v.email.trim() && !v.phone.trim()) e.email = ['Give an email or a phone number so the patient can be invited.'];
  if (v.treatmentStartDate > new Date().toISOString().slice(0, 10)) e.treatmentStartDate = ['The treatment start date cannot be in the future.'];
  else if (v.treatmentStartDate && v.dateOfBirth && v.treatmentStartDate < v.dateOfBirth) e.treatmentStartDate = ['The treatment cannot start before the date of birth.'];
  if (v.email.trim() && !looksLikeEmail(v.email)) e.email = ['Enter an email address like name@example.com.'];
  if (v.phone.trim() && !/^\+[1-9][0-9]{6,14}$/.test(v.phone.replace(/[\s()-]/g, ''))) e.phone = ['Use the international format, e.g. +14155550123.'];
  const current = intOrNull(v.currentStage);
  const total = intOrNull(v.totalStages);
  if (current !== null && (!Number.isInteger(current) || current < 1 || current > 200)) e.currentStage = ['Use a stage from 1 to 200.'];
  if (total !== null && (!Number.isInteger(total) || total < 1 || total > 200)) e.totalStages = ['Use a stage from 1 to 200.'];
  if (!e.currentStage && !e.totalStages && current !== null && total !== null && current > total) e.currentStage = ['The current stage cannot be after the last stage.'];
  return e;
}

interface Props {
  mode: 'create' | 'edit';
  initial: PatientFormValues;
  /** Rejects with an ApiError; its field errors are shown beside the fields. */
  onSubmit: (values: PatientFormValues) => Promise<void>;
  cancelHref: string;
  doctors?: PracticeMember[] | null;
}

export function PatientForm({ mode, initial, onSubmit, cancelHref, doctors }: Props) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState<Errors>({});
  const [otherErrors, setOtherErrors] = useState<string[]>([]);
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const timeZones = useTimeZones();

  const set = <K extends PatientField>(field: K, value: PatientFormValues[K]) => setValues((v) => ({ ...v, [field]: value }));
  const text = (field: PatientField) => ({
    name: field,
    value: values[field] as string,
    onChange: (e: { target: { value: string } }) => set(field, e.target.value as never),
    errors: errors[field],
  });

  function focusFirst(errs: Errors) {
    const first = fieldOrder.find((f) => errs[f]?.length);
    if (first) formRef.current?.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setProblem(null);
    setOtherErrors([]);
    const local = validatePatient(values);
    setErrors(local);
    if (Object.keys(local).length > 0) {
      focusFirst(local);
      return;
    }
    setBusy(true);
    try {
      await onSubmit(values);
    } catch (e) {
      const apiError = asApiError(e);
      const mapped: Errors = {};
      const unmapped: string[] = [];
      for (const [key, messages] of Object.entries(apiError.fieldErrors)) {
        if ((fieldOrder as string[]).includes(key)) mapped[key as PatientField] = messages;
        else unmapped.push(...messages);
      }
      setErrors(mapped);
      setOtherErrors(unmapped);
      setProblem(apiError);
      if (Object.keys(mapped).length > 0) focusFirst(mapped);
    } finally {
      setBusy(false);
    }
  }

  const doctorOptions = doctors ?? [];
  const knownDoctor = !values.doctorId || doctorOptions.some((d) => d.id === values.doctorId);

  return (
    <form ref={formRef} onSubmit={submit} noValidate className="flex flex-col gap-6" aria-label={mode === 'create' ? 'New patient' : 'Edit patient'}>
      {problem && (
        <ProblemAlert error={problem}>
          {otherErrors.length > 0 && (
            <ul className="mt-1 list-disc pl-5" data-testid="form-errors">
              {otherErrors.map((m) => <li key={m}>{m}</li>)}
            </ul>
          )}
          {Object.keys(errors).length > 0 && (
            <p className="mt-1">Check: {fieldOrder.filter((f) => errors[f]).map((f) => fieldLabels[f]).join(', ')}.</p>
          )}
        </ProblemAlert>
      )}

      <fieldset className="rounded-lg border border-slate-200 bg-white p-6">
        <legend className="px-1 text-base font-semibold text-slate-900">Patient</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          {/* eslint-disable-next-line jsx-a11y/no-autofocus -- the form is the page's one task, so its first field takes the focus (UI.md: focus always somewhere useful) */}
          <TextField label={fieldLabels.firstName} autoComplete="off" {...text('firstName')} autoFocus={mode === 'create'} />
          <TextField label={fieldLabels.lastName} autoComplete="off" {...text('lastName')} />
          <TextField label={fieldLabels.dateOfBirth} type="date" max={new Date().toISOString().slice(0, 10)} {...text('dateOfBirth')} />
        </div>
      </fieldset>

      <fieldset className="rounded-lg border border-slate-200 bg-white p-6">
        <legend className="px-1 text-base font-semibold text-slate-900">Treatment</legend>
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField label={fieldLabels.treatmentType} {...text('treatmentType')}>
            {treatmentTypes.map((t) => <option key={t} value={t}>{treatmentLabels[t]}</option>)}
          </SelectField>
          <TextField label={fieldLabels.alignerBrand} optional placeholder="e.g. Invisalign, Spark" {...text('alignerBrand')} />
          <SelectField label={fieldLabels.doctorId} optional {...text('doctorId')} hint={doctors ? undefined : 'Loading the doctors of your practice…'}>
            <option value="">Unassigned</option>
            {doctorOptions.map((d) => <option key={d.id} value={d.id}>{d.name}</option>)}
            {!knownDoctor && <option value={values.doctorId}>Assigned doctor</option>}
          </SelectField>
          <SelectField label={fieldLabels.scanFrequency} {...text('scanFrequency')}>
            {scanFrequencies.map((f) => <option key={f} value={f}>{frequencyLabels[f]}</option>)}
          </SelectField>
          <TextField label={fieldLabels.currentStage} type="number" inputMode="numeric" min={1} max={200} {...text('currentStage')} />
          <TextField label={fieldLabels.totalStages} type="number" inputMode="numeric" min={1} max={200} optional={mode === 'create'} hint="Aligners in the treatment plan." {...text('totalStages')} />
          {mode === 'edit' && (
            <TextField label={fieldLabels.treatmentStartDate} type="date" optional max={new Date().toISOString().slice(0, 10)} hint="The day the first aligner was worn." {...text('treatmentStartDate')} />
          )}
          {mode === 'edit' && values.status !== 'archived' && (
            <SelectField label={fieldLabels.status} {...text('status')} hint="To archive a patient, use Archive on the patient page.">
              {(['invited', 'active', 'paused', 'completed'] as PatientStatus[]).map((s) => (
                <option key={s} value={s}>{s[0].toUpperCase() + s.slice(1)}</option>
              ))}
            </SelectField>
          )}
        </div>
      </fieldset>

      <fieldset className="rounded-lg border border-slate-200 bg-white p-6">
        <legend className="px-1 text-base font-semibold text-slate-900">Contact</legend>
        <p className="mb-4 text-sm text-slate-600">An email or a mobile phone is needed to invite the patient to the app.</p>
        <div className="grid gap-4 sm:grid-cols-2">
          <TextField label={fieldLabels.email} type="email" autoComplete="off" {...text('email')} />
          <TextField label={fieldLabels.phone} type="tel" autoComplete="off" placeholder="+14155550123" hint="International format, starting with + and the country code." {...text('phone')} />
          <TextField label={fieldLabels.timezone} list="timezones" autoComplete="off" hint="Reminders follow the patient's local time." {...text('timezone')} />
          <datalist id="timezones">
            {timeZones.map((z) => <option key={z} value={z} />)}
          </datalist>
          <SelectField label={fieldLabels.preferredLanguage} {...text('preferredLanguage')}>
            {preferredLanguages.map((l) => <option key={l} value={l}>{languageLabels[l]}</option>)}
          </SelectField>
        </div>
      </fieldset>

      <fieldset className="rounded-lg border border-slate-200 bg-white p-6">
        <legend className="px-1 text-base font-semibold text-slate-900">Consent</legend>
        <CheckboxField
          label="The patient agrees that de-identified scans may be used to improve OrthoScan"
          name="researchConsent"
          checked={values.researchConsent}
          onChange={(e) => set('researchConsent', e.target.checked)}
          errors={errors.researchConsent}
          hint="Optional. Names, dates and photos' location data are never shared. The patient can withdraw at any time."
        />
      </fieldset>

      <div className="flex items-center gap-2">
        <Button type="submit" busy={busy}>{mode === 'create' ? 'Add patient' : 'Save changes'}</Button>
        <Link href={cancelHref} className={buttonClass('ghost')}>Cancel</Link>
      </div>
    </form>
  );
}
