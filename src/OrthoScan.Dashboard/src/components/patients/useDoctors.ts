'use client';

import { useEffect, useState } from 'react';
import { api } from '@/api/client';
import type { PracticeMember } from '@/api/types';

/**
 * Doctors for the optional doctor picker. The API has no member list yet; until `GET /api/v1/practice/members`
 * exists this answers null and the form offers "Unassigned" only.
 */
export function useDoctors(): PracticeMember[] | null {
  const [doctors, setDoctors] = useState<PracticeMember[] | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    api.listMembers(controller.signal).then(
      (result) => {
        const members = Array.isArray(result) ? result : result?.items;
        if (Array.isArray(members)) setDoctors(members.filter((m) => m.role === 'doctor' || m.role === 'owner'));
      },
      () => setDoctors(null),
    );
    return () => controller.abort();
  }, []);
  return doctors;
}
