'use client';

import { ComingSoon } from '@/components/ComingSoon';

export default function CompliancePage() {
  return <ComingSoon title="Compliance" icon="compliance" description="Patients who are overdue for a scan or behind on wear time will be listed here so your team can follow up." />;
}
