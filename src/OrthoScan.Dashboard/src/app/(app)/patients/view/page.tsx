'use client';

import Link from 'next/link';
import { useSearchParams } from 'next/navigation';
import { Suspense, useState, type ReactNode } from 'react';
import { api } from '@/api/client';
import { asApiError, type ApiError } from '@/api/errors';
import type { InvitePatientResponse, Patient } from '@/api/types';
import { useAuth } from '@/auth/AuthProvider';
import { CopyButton } from '@/components/CopyButton';
import { DataRightsCard } from '@/components/patients/DataRightsCard';
import { ScanTimeline } from '@/components/patients/ScanTimeline';
import { Button, ButtonLink, Card, EmptyState, ErrorState, Notice, PageHeader, ProblemAlert, Skeleton, StatusBadge } from '@/components/ui';
import { ageBandLabels, formatDate, formatDateTime, frequencyLabels, fullName, languageLabels, treatmentLabels } from '@/lib/format';
import { usePageTitle } from '@/lib/usePageTitle';
import { useResource } from '@/lib/useResource';

function Detail({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="flex flex-col gap-0.5">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="text-sm text-slate-900">{children}</dd>
    </div>
  );
}

function DetailSkeleton() {
  return (
    <div className="grid gap-6 lg:grid-cols-3" aria-busy="true" aria-label="Loading patient">
      <div className="flex flex-col gap-4 rounded-lg border border-slate-200 bg-white p-6 lg:col-span-2">
        <Skeleton className="h-5 w-32" />
        <div className="grid gap-4 sm:grid-cols-2">
          {Array.from({ length: 6 }).map((_, i) => <Skeleton key={i} className="h-10" />)}
        </div>
      </div>
      <Skeleton className="h-48 rounded-lg" />
    </div>
  );
}

function InviteCard({ patient }: { patient: Patient }) {
  const [invitation, setInvitation] = useState<InvitePatientResponse | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const archived = patient.status === 'archived' || patient.status === 'erased';

  async function invite() {
    setBusy(true);
    setError(null);
    try {
      setInvitation(await api.invitePatient(patient.id));
    } catch (e) {
      setError(asApiError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card title="Patient app">
      {archived ? (
        <p className="text-sm text-slate-600">{patient.status === 'erased' ? 'Erased patients cannot be invited to the app.' : 'Archived patients cannot be invited to the app.'}</p>
      ) : invitation ? (
        <div className="flex flex-col gap-3">
          <p className="text-sm text-slate-700" data-testid="invite-sent">
            {invitation.sentBy === 'sms'
              ? `Sent by text message to ${patient.phone}. `
              : invitation.sentBy === 'email'
                ? `Sent by email to ${patient.email}. `
                : `${patient.firstName} has no phone number or email on file: give them this code yourself. `}
            They enter it when they first open the OrthoScan app.
          </p>
          <p className="rounded-md bg-slate-50 px-3 py-2 text-center font-mono text-lg tracking-widest text-slate-900 ring-1 ring-slate-200" data-testid="invite-code">
            {invitation.code}
          </p>
          <p className="text-xs text-slate-500">Valid until {formatDateTime(invitation.expiresAt)}. It is shown only now.</p>
          <div className="flex gap-2">
            <CopyButton value={invitation.code} label="Copy code" />
            <Button variant="ghost" onClick={invite} busy={busy}>New code</Button>
          </div>
        </div>
      ) : (
        <div className="flex flex-col gap-3">
          <p className="text-sm text-slate-600">
            {patient.status === 'invited'
              ? 'The patient has not activated the app yet. Send them a one-time code: by text message, or by email when there is no phone number.'
              : 'Send a one-time code to connect the patient’s phone to this record.'}
          </p>
          <ProblemAlert error={error} />
          <Button onClick={invite} busy={busy}>Invite to app</Button>
        </div>
      )}
    </Card>
  );
}

function ArchiveAction({ patient, onArchived }: { patient: Patient; onArchived: (p: Patient) => void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  if (patient.status === 'archived' || patient.status === 'erased') return null;
  return (
    <Card title="Archive">
      {!confirming ? (
        <div className="flex flex-col gap-3">
          <p className="text-sm text-slate-600">Archive when treatment ends or the patient leaves. The record is kept, hidden from work lists, and read-only.</p>
          <Button variant="secondary" onClick={() => setConfirming(true)}>Archive patient…</Button>
        </div>
      ) : (
        <div className="flex flex-col gap-3">
          <p className="text-sm text-slate-800">Archive {fullName(patient)}? Their app is signed out and the record becomes read-only.</p>
          <ProblemAlert error={error} />
          <div className="flex gap-2">
            <Button
              variant="danger"
              busy={busy}
              onClick={async () => {
                setBusy(true);
                setError(null);
                try {
                  onArchived(await api.archivePatient(patient.id));
                } catch (e) {
                  setError(asApiError(e));
                } finally {
                  setBusy(false);
                }
              }}
            >
              Archive
            </Button>
            {/* eslint-disable-next-line jsx-a11y/no-autofocus -- a destructive confirmation opens on its safe choice (WAI-ARIA alert dialog pattern) */}
            <Button variant="ghost" onClick={() => setConfirming(false)} autoFocus>Cancel</Button>
          </div>
        </div>
      )}
    </Card>
  );
}

/** Saves the record ZIP through a temporary link: the request needs the bearer token, so a plain href cannot do it. */
async function downloadRecord(id: string) {
  const blob = await api.downloadPatientRecord(id);
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = `patient-record-${id}.zip`;
  link.click();
  URL.revokeObjectURL(url);
}

function ViewPatient() {
  const params = useSearchParams();
  const id = params.get('id');
  const patient = useResource(id ? (signal) => api.getPatient(id, signal) : null, id ?? '');
  const [archivedNow, setArchivedNow] = useState(false);
  const { claims } = useAuth();
  usePageTitle(patient.data ? fullName(patient.data) : 'Patient');

  if (!id) {
    return <EmptyState icon="search" title="No patient chosen" action={<ButtonLink href="/patients/">Go to patients</ButtonLink>}>Open a patient from the list.</EmptyState>;
  }

  const p = patient.data;
  const notice = archivedNow ? 'Patient archived.' : params.get('created') ? 'Patient added. Invite them to the app when you are ready.' : params.get('saved') ? 'Changes saved.' : null;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/patients/" className="hover:text-slate-800 hover:underline">Patients</Link> / {p ? fullName(p) : '…'}
      </nav>
      {patient.loading ? (
        <DetailSkeleton />
      ) : patient.error ? (
        <ErrorState error={patient.error} onRetry={patient.error.status === 404 ? undefined : patient.reload} />
      ) : p ? (
        <>
          <PageHeader
            title={fullName(p)}
            description={<span className="flex items-center gap-2">{p.dateOfBirth ? `Born ${formatDate(p.dateOfBirth)}` : 'Erased'} <StatusBadge status={p.status} /></span>}
            actions={p.status !== 'archived' && p.status !== 'erased' && (
              <>
                <ButtonLink variant="secondary" href={`/messages/?patient=${encodeURIComponent(p.id)}`}>Message</ButtonLink>
                <ButtonLink variant="secondary" href={`/patients/edit/?id=${encodeURIComponent(p.id)}`}>Edit</ButtonLink>
              </>
            )}
          />
          {notice && <div className="mb-4"><Notice tone="success">{notice}</Notice></div>}
          <div className="grid gap-6 lg:grid-cols-3">
            <div className="flex flex-col gap-6 lg:col-span-2">
              <Card title="Treatment">
                <dl className="grid gap-4 sm:grid-cols-2">
                  <Detail label="Treatment type">{treatmentLabels[p.treatmentType]}</Detail>
                  <Detail label="Aligner brand">{p.alignerBrand || '—'}</Detail>
                  <Detail label="Progress">
                    <span className="tabular-nums">Stage {p.currentStage} of {p.totalStages}</span>
                    <span className="mt-1 block h-1.5 w-40 overflow-hidden rounded-full bg-slate-100" aria-hidden="true">
                      <span className="block h-full rounded-full bg-accent-600" style={{ width: `${Math.min(100, (p.currentStage / Math.max(p.totalStages, 1)) * 100)}%` }} />
                    </span>
                  </Detail>
                  <Detail label="Scan frequency">{frequencyLabels[p.scanFrequency]}</Detail>
                  <Detail label="Status"><StatusBadge status={p.status} /></Detail>
                  <Detail label="Treatment start">{formatDate(p.treatmentStartDate)}</Detail>
                  <Detail label="Age band">{p.ageBand ? ageBandLabels[p.ageBand] : '—'}</Detail>
                  <Detail label="Research consent">
                    {p.researchConsent.given ? 'Given' : p.researchConsent.changedAt ? 'Withdrawn' : 'Not given'}
                    {p.researchConsent.changedAt && (
                      <span className="block text-xs text-slate-500">Recorded {formatDateTime(p.researchConsent.changedAt)}</span>
                    )}
                  </Detail>
                </dl>
              </Card>
              <Card title="Contact">
                <dl className="grid gap-4 sm:grid-cols-2">
                  <Detail label="Email">{p.email ? <a className="text-accent-800 hover:underline" href={`mailto:${p.email}`}>{p.email}</a> : '—'}</Detail>
                  <Detail label="Mobile phone">{p.phone ? <a className="tabular-nums text-accent-800 hover:underline" href={`tel:${p.phone}`}>{p.phone}</a> : '—'}</Detail>
                  <Detail label="Preferred language">{languageLabels[p.preferredLanguage]}</Detail>
                  <Detail label="Time zone">{p.timezone}</Detail>
                </dl>
              </Card>
              <ScanTimeline patientId={p.id} firstName={p.firstName} totalStages={p.totalStages} />
            </div>
            <div className="flex flex-col gap-6">
              <InviteCard patient={p} />
              <ArchiveAction patient={p} onArchived={(updated) => { patient.setData(updated); setArchivedNow(true); }} />
              {claims?.role === 'owner' && (
                <DataRightsCard
                  patientName={fullName(p)}
                  erased={p.status === 'erased'}
                  onDownload={() => downloadRecord(p.id)}
                  onErase={async (confirmation) => {
                    const result = await api.erasePatient(p.id, confirmation);
                    patient.setData(await api.getPatient(p.id));
                    return result;
                  }}
                />
              )}
              <p className="text-xs text-slate-500">Added {formatDateTime(p.createdAt)} · updated {formatDateTime(p.updatedAt)}</p>
            </div>
          </div>
        </>
      ) : null}
    </>
  );
}

export default function ViewPatientPage() {
  return (
    <Suspense fallback={<DetailSkeleton />}>
      <ViewPatient />
    </Suspense>
  );
}
