'use client';

import { useState } from 'react';
import { useAuth } from '@/auth/AuthProvider';
import { ReviewQueue } from '@/components/review/ReviewQueue';
import { usePageTitle } from '@/lib/usePageTitle';

export default function ReviewQueuePage() {
  usePageTitle('Review queue');
  const { claims } = useAuth();
  // `?prefetch=0` turns off loading the next scan ahead, only to measure what prefetching saves (docs/performance.md).
  const [prefetch] = useState(() => typeof window === 'undefined' || new URLSearchParams(window.location.search).get('prefetch') !== '0');
  const canTag = claims?.role === 'owner' || claims?.role === 'doctor';
  return <ReviewQueue canTag={canTag} prefetch={prefetch} />;
}
