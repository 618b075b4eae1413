'use client';

import { ComingSoon } from '@/components/ComingSoon';

export default function DataExportsPage() {
  return <ComingSoon title="Data exports" icon="exports" description="De-identified tagging datasets, respecting each patient's research consent, will be exported from here." />;
}
