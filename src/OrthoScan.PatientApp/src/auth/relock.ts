/** The app locks again when it comes back after more than this long in the background (PIN or biometrics to open). */
export const RELOCK_AFTER_MS = 60_000;

/**
 * Follows the app's state changes (React Native's AppState: 'active', 'background', 'inactive') and says, when the app
 * becomes active again, whether it was away long enough to lock. The first move away starts the clock; 'inactive'
 * then 'background' does not restart it.
 */
export function createRelockClock(relockAfterMs = RELOCK_AFTER_MS, now: () => number = Date.now) {
  let awaySince: number | null = null;
  return {
    /** Returns true when the app must lock now. */
    changed(state: string): boolean {
      if (state !== 'active') {
        awaySince ??= now();
        return false;
      }
      const lock = awaySince !== null && now() - awaySince > relockAfterMs;
      awaySince = null;
      return lock;
    },
  };
}
