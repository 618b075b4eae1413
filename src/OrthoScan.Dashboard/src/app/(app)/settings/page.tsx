'use client';

import { FailedJobs } from '@/components/settings/FailedJobs';
import { InviteStaffForm } from '@/components/settings/InviteStaffForm';
import { PracticeSettingsForm } from '@/components/settings/PracticeSettingsForm';
import { Card, PageHeader } from '@/components/ui';
import { usePageTitle } from '@/lib/usePageTitle';

export default function SettingsPage() {
  usePageTitle('Settings');
  return (
    <div className="max-w-4xl">
      <PageHeader title="Settings" description="Practice owners set up the practice, manage the team, and see background work that failed, here." />
      <Card title="Practice">
        <div id="practice">
          <PracticeSettingsForm />
        </div>
      </Card>
      <Card title="Invite your team" className="mt-6">
        <p className="mb-4 text-sm text-slate-600">
          Invited people choose a password and set up two-factor authentication before they can see patients.
        </p>
        <InviteStaffForm />
      </Card>
      <Card title="Failed background work" className="mt-6">
        <p className="mb-4 text-sm text-slate-600">
          Work that failed on every attempt. A scan that could not be processed has already gone back to its patient for new
          photos; a retry runs the work once more.
        </p>
        <FailedJobs />
      </Card>
    </div>
  );
}
