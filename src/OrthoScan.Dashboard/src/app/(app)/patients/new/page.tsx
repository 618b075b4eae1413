'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useRef } from 'react';
import { api } from '@/api/client';
import { emptyPatientValues, PatientForm, toCreateBody } from '@/components/patients/PatientForm';
import { useDoctors } from '@/components/patients/useDoctors';
import { PageHeader } from '@/components/ui';
import { usePageTitle } from '@/lib/usePageTitle';
import { newIdempotencyKey } from '@/lib/idempotency';

export default function NewPatientPage() {
  usePageTitle('New patient');
  const router = useRouter();
  const doctors = useDoctors();
  // One key per form: a double submit or a retry after a lost answer creates the patient once.
  const idempotencyKey = useRef(newIdempotencyKey());
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500">
        <Link href="/patients/" className="hover:text-slate-800 hover:underline">Patients</Link> / New
      </nav>
      <PageHeader title="New patient" description="Add the patient, then invite them to the OrthoScan app from their page." />
      <div className="max-w-3xl">
        <PatientForm
          mode="create"
          initial={emptyPatientValues()}
          doctors={doctors}
          cancelHref="/patients/"
          onSubmit={async (values) => {
            const patient = await api.createPatient(toCreateBody(values), idempotencyKey.current);
            router.push(`/patients/view/?id=${encodeURIComponent(patient.id)}&created=1`);
          }}
        />
      </div>
    </>
  );
}
