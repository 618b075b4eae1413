import type { ImageType, ScanSession } from '../api/types';

/** Views the server asked to take again in a session, with why: shown on the timeline, captured by a retake. */
export function retakesOf(session: ScanSession): { view: ImageType; reasons: string[] }[] {
  return session.status === 'needs_retake'
    ? session.images.filter((i) => i.retakeReasons.length > 0).map((i) => ({ view: i.imageType, reasons: i.retakeReasons }))
    : [];
}
