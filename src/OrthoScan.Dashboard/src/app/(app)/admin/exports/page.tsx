'use client';

import { TagExports } from '@/components/admin/TagExports';
import { PageHeader } from '@/components/ui';
import { usePageTitle } from '@/lib/usePageTitle';

export default function AdminExportsPage() {
  usePageTitle('Exports');
  return (
    <>
      <PageHeader
        title="Training-data exports"
        description="De-identified tag sets (and photos) of practices that share data and patients who consented, for training and auditing models."
      />
      <TagExports />
    </>
  );
}
