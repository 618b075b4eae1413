/**
 * Automatic logoff (HIPAA 164.312(a)(2)(iii)): an unattended dashboard signs out after a quiet spell, however well its
 * silent token refresh keeps the session alive. Activity in any tab of the dashboard counts: each tab records its last
 * activity in localStorage, so a doctor working in one tab is not signed out by another left open.
 */
export const IDLE_LOGOFF_MINUTES = 15;
const STORAGE_KEY = 'orthoscan.lastActivity';
const CHECK_EVERY_MS = 15_000;
const RECORD_AT_MOST_EVERY_MS = 5_000;
const ACTIVITY_EVENTS = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart', 'scroll'] as const;

interface IdleOptions {
  idleMs?: number;
  onIdle: () => void;
  now?: () => number;
}

/** Watches for activity and calls onIdle once when there was none, in any tab, for idleMs. Returns the cleanup. */
export function watchIdle({ idleMs = IDLE_LOGOFF_MINUTES * 60_000, onIdle, now = Date.now }: IdleOptions): () => void {
  let lastLocal = now();
  let lastRecorded = 0;
  let fired = false;

  const record = () => {
    lastLocal = now();
    if (lastLocal - lastRecorded < RECORD_AT_MOST_EVERY_MS) return;
    lastRecorded = lastLocal;
    try {
      window.localStorage.setItem(STORAGE_KEY, String(lastLocal));
    } catch {
      // Storage refused (private mode, quota): this tab's own activity still counts.
    }
  };
  const lastAnywhere = () => {
    const shared = Number(window.localStorage.getItem(STORAGE_KEY) ?? 0);
    return Math.max(lastLocal, Number.isFinite(shared) ? shared : 0);
  };
  const check = () => {
    if (fired || now() - lastAnywhere() < idleMs) return;
    fired = true;
    onIdle();
  };

  record();
  for (const event of ACTIVITY_EVENTS) window.addEventListener(event, record, { passive: true, capture: true });
  // A tab coming back from the background checks at once, instead of showing patient data until the next tick.
  document.addEventListener('visibilitychange', check);
  const timer = window.setInterval(check, CHECK_EVERY_MS);
  return () => {
    for (const event of ACTIVITY_EVENTS) window.removeEventListener(event, record, { capture: true });
    document.removeEventListener('visibilitychange', check);
    window.clearInterval(timer);
  };
}
