'use client';

import { useCallback, useEffect, useState } from 'react';
import { asApiError, type ApiError } from '@/api/errors';

export interface Resource<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
  setData: (data: T) => void;
}

/** Loads once per key; a newer load aborts the older one so a slow answer never overwrites a fresh one. */
export function useResource<T>(load: ((signal: AbortSignal) => Promise<T>) | null, key: string): Resource<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(true);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    if (!load) return;
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    load(controller.signal).then(
      (result) => {
        if (controller.signal.aborted) return;
        setData(result);
        setLoading(false);
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        setError(asApiError(e));
        setLoading(false);
      },
    );
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for everything `load` depends on
  }, [key, attempt, Boolean(load)]);

  const reload = useCallback(() => setAttempt((a) => a + 1), []);
  return { data, error, loading, reload, setData };
}
