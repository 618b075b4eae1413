'use client';

import { useSearchParams } from 'next/navigation';
import { Suspense } from 'react';
import { Messages } from '@/components/messages/Messages';
import { PageHeader } from '@/components/ui';
import { usePageTitle } from '@/lib/usePageTitle';

function MessagesForPatient() {
  // `?patient=<id>` (from a patient's page) opens that patient's conversation, or a first message to them.
  const patient = useSearchParams().get('patient');
  return <Messages initialPatientId={patient} />;
}

export default function MessagesPage() {
  usePageTitle('Messages');
  return (
    <>
      <PageHeader title="Messages" description="One conversation per patient. Patients read and answer in the app." />
      <Suspense>
        <MessagesForPatient />
      </Suspense>
    </>
  );
}
