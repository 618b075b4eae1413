'use client';

import { useEffect, useState } from 'react';
import { api } from '@/api/client';
import type { PracticeMember } from '@/api/types';

/** Doctors (and the owner, who treats too) for the optional doctor picker; null while loading or on error. */
export function useDoctors(): PracticeMember[] | null {
  const [doctors, setDoctors] = useState<PracticeMember[] | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    api.listMembers(controller.signal).then(
      (result) => {
        const members = result?.items;
        if (Array.isArray(members)) setDoctors(members.filter((m) => m.role === 'doctor' || m.role === 'owner'));
      },
      () => setDoctors(null),
    );
    return () => controller.abort();
  }, []);
  return doctors;
}
