'use client';

import { useMemo, useRef } from 'react';
import { reviewApi, type ScanSession } from '@/api/review';

/** Signed photo links live 10 minutes; a cached session older than this is fetched again. */
const URL_MARGIN_MS = 60_000;

export interface CachedScan {
  promise: Promise<ScanSession>;
  value?: ScanSession;
}

function stillValid(session: ScanSession): boolean {
  const soonest = Math.min(...session.images.map((i) => (i.urls ? Date.parse(i.urls.expiresAt) : Infinity)));
  return soonest - Date.now() > URL_MARGIN_MS;
}

/**
 * The review screen's scans fetched ahead: their data (while the photo links are still valid) and their decoded
 * photos, so that the next scan appears in the same frame as the doctor's Enter.
 */
export function useScanCache() {
  const sessions = useRef(new Map<string, CachedScan>());
  const photos = useRef(new Map<string, HTMLImageElement[]>());

  return useMemo(() => ({
    /** The scan's data: the cached fetch when still fresh, else a new one (a failed fetch is not kept). */
    load(id: string): CachedScan {
      const hit = sessions.current.get(id);
      if (hit && (!hit.value || stillValid(hit.value))) return hit;
      const entry: CachedScan = { promise: reviewApi.session(id) };
      entry.promise.then((value) => { entry.value = value; }, () => sessions.current.delete(id));
      sessions.current.set(id, entry);
      return entry;
    },

    /** Forgets the scan's data, so the next load asks the API again. */
    drop(id: string): void {
      sessions.current.delete(id);
    },

    /** Forgets the scan's data and photos (it left the queue). */
    forget(id: string): void {
      sessions.current.delete(id);
      photos.current.delete(id);
    },

    preloadPhotos(session: ScanSession): void {
      if (photos.current.has(session.id)) return;
      // Kept referenced until used, so the browser holds the decoded photos.
      const load = (url: string, retries: number): HTMLImageElement => {
        const img = new Image();
        img.decoding = 'async';
        // A failed download is not cached: ask again for the same URL, which is the one the montage will use.
        if (retries > 0) img.onerror = () => setTimeout(() => load(url, retries - 1), 100);
        img.src = url;
        img.decode?.().catch(() => undefined);
        return img;
      };
      photos.current.set(session.id, session.images.flatMap((image) => (image.urls ? [load(image.urls.display, 3)] : [])));
    },
  }), []);
}

export type ScanCache = ReturnType<typeof useScanCache>;
