'use client';

import Link from 'next/link';
import { useRouter, useSearchParams } from 'next/navigation';
import { Suspense } from 'react';
import { api } from '@/api/client';
import { PatientForm, toChanges, valuesFromPatient } from '@/components/patients/PatientForm';
import { useDoctors } from '@/components/patients/useDoctors';
import { ButtonLink, EmptyState, ErrorState, PageHeader, Skeleton } from '@/components/ui';
import { fullName } from '@/lib/format';
import { usePageTitle } from '@/lib/usePageTitle';
import { useResource } from '@/lib/useResource';

function FormSkeleton() {
  return (
    <div className="flex max-w-3xl flex-col gap-6" aria-busy="true" aria-label="Loading patient">
      {[0, 1, 2].map((i) => (
        <div key={i} className="grid gap-4 rounded-lg border border-slate-200 bg-white p-6 sm:grid-cols-2">
          <Skeleton className="h-4 w-24 sm:col-span-2" />
          <Skeleton className="h-9" />
          <Skeleton className="h-9" />
          <Skeleton className="h-9" />
        </div>
      ))}
    </div>
  );
}

function EditPatient() {
  const id = useSearchParams().get('id');
  const router = useRouter();
  const doctors = useDoctors();
  const patient = useResource(id ? (signal) => api.getPatient(id, signal) : null, id ?? '');
  usePageTitle(patient.data ? `Edit ${fullName(patient.data)}` : 'Edit patient');

  if (!id) {
    return <EmptyState icon="search" title="No patient chosen" action={<ButtonLink href="/patients/">Go to patients</ButtonLink>}>Open a patient from the list to edit them.</EmptyState>;
  }
  const viewHref = `/patients/view/?id=${encodeURIComponent(id)}`;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/patients/" className="hover:text-slate-800 hover:underline">Patients</Link>
        {' / '}
        {patient.data ? <Link href={viewHref} className="hover:text-slate-800 hover:underline">{fullName(patient.data)}</Link> : '…'}
        {' / Edit'}
      </nav>
      <PageHeader title={patient.data ? `Edit ${fullName(patient.data)}` : 'Edit patient'} />
      {patient.loading ? (
        <FormSkeleton />
      ) : patient.error ? (
        <ErrorState error={patient.error} onRetry={patient.error.status === 404 ? undefined : patient.reload} />
      ) : patient.data?.status === 'archived' ? (
        <EmptyState icon="alert" title="This patient is archived" action={<ButtonLink href={viewHref} variant="secondary">Back to the patient</ButtonLink>}>
          Archived records are kept read-only.
        </EmptyState>
      ) : patient.data ? (
        <div className="max-w-3xl">
          <PatientForm
            mode="edit"
            initial={valuesFromPatient(patient.data)}
            doctors={doctors}
            cancelHref={viewHref}
            onSubmit={async (values) => {
              await api.updatePatient(id, toChanges(values));
              router.push(`${viewHref}&saved=1`);
            }}
          />
        </div>
      ) : null}
    </>
  );
}

export default function EditPatientPage() {
  return (
    <Suspense fallback={<FormSkeleton />}>
      <EditPatient />
    </Suspense>
  );
}
