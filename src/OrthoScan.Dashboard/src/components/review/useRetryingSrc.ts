'use client';

import { useCallback, useEffect, useRef, useState } from 'react';

const RETRIES = 3;

/**
 * A photo that failed to load is asked for again a few times (after 150, 300, 450 ms) before it shows as broken:
 * one failed download must not leave a hole in the montage. The query part is ignored by the signed link.
 */
export function useRetryingSrc(src: string | null | undefined): { src: string | undefined; onError: () => void; failed: boolean } {
  const [attempt, setAttempt] = useState(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    setAttempt(0);
    return () => {
      if (timer.current) clearTimeout(timer.current);
    };
  }, [src]);
  const onError = useCallback(() => {
    setAttempt((a) => {
      if (a >= RETRIES) return a + 1;
      timer.current = setTimeout(() => setAttempt(a + 1), 150 * (a + 1));
      return a;
    });
  }, []);
  if (!src) return { src: undefined, onError, failed: false };
  const withRetry = attempt === 0 || attempt > RETRIES ? src : `${src}${src.includes('?') ? '&' : '?'}retry=${attempt}`;
  return { src: withRetry, onError, failed: attempt > RETRIES };
}
