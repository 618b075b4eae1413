'use client';

import { InviteStaffForm } from '@/components/settings/InviteStaffForm';
import { Card, PageHeader } from '@/components/ui';
import { usePageTitle } from '@/lib/usePageTitle';

export default function SettingsPage() {
  usePageTitle('Settings');
  return (
    <div className="max-w-4xl">
      <PageHeader title="Settings" description="Practice owners manage the team here." />
      <Card title="Invite your team">
        <p className="mb-4 text-sm text-slate-600">
          Invited people choose a password and set up two-factor authentication before they can see patients.
        </p>
        <InviteStaffForm />
      </Card>
    </div>
  );
}
