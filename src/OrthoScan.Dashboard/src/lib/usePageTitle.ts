'use client';

import { useEffect } from 'react';

export function usePageTitle(title: string | null | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · OrthoScan` : 'OrthoScan';
  }, [title]);
}
