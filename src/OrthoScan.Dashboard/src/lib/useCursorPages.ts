'use client';

import { useCallback, useEffect, useState } from 'react';
import { asApiError, type ApiError } from '@/api/errors';

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface CursorPages<T> {
  items: T[];
  /** True while there are more items behind the ones shown. */
  hasMore: boolean;
  loading: boolean;
  error: ApiError | null;
  loadingMore: boolean;
  moreError: ApiError | null;
  loadMore: () => Promise<void>;
  reload: () => void;
  /** Swaps one shown item for its new state (a row after an action), without reloading the list. */
  replace: (matches: (item: T) => boolean, next: T) => void;
}

/**
 * A cursor-paged list: the first page once per key (a newer load aborts the older one), then "load more" appends the
 * next page. An error on a further page keeps the items already shown.
 */
export function useCursorPages<T>(load: (cursor: string | null, signal?: AbortSignal) => Promise<CursorPage<T>>, key: string): CursorPages<T> {
  const [items, setItems] = useState<T[]>([]);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setError(null);
    setMoreError(null);
    load(null, controller.signal).then(
      (page) => {
        if (controller.signal.aborted) return;
        setItems(page.items);
        setNextCursor(page.nextCursor);
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
  }, [key, attempt]);

  const loadMore = useCallback(async () => {
    if (!nextCursor) return;
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await load(nextCursor);
      setItems((current) => [...current, ...page.items]);
      setNextCursor(page.nextCursor);
    } catch (e) {
      setMoreError(asApiError(e));
    } finally {
      setLoadingMore(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for everything `load` depends on
  }, [nextCursor, key]);

  const reload = useCallback(() => setAttempt((a) => a + 1), []);
  const replace = useCallback((matches: (item: T) => boolean, next: T) => setItems((current) => current.map((item) => (matches(item) ? next : item))), []);
  return { items, hasMore: nextCursor !== null, loading, error, loadingMore, moreError, loadMore, reload, replace };
}
