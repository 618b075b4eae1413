import { createRelockClock, RELOCK_AFTER_MS } from './relock';

describe('locking again after time in the background', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_000_000;
  });

  it('locks when the app comes back after more than a minute away', () => {
    const relock = createRelockClock(RELOCK_AFTER_MS, now);
    expect(relock.changed('background')).toBe(false);
    clock += RELOCK_AFTER_MS + 1;
    expect(relock.changed('active')).toBe(true);
  });

  it('stays open after a short switch to another app', () => {
    const relock = createRelockClock(RELOCK_AFTER_MS, now);
    relock.changed('inactive');
    clock += 30_000;
    expect(relock.changed('active')).toBe(false);
  });

  it('counts from the first move away: inactive then background does not restart the clock', () => {
    const relock = createRelockClock(RELOCK_AFTER_MS, now);
    relock.changed('inactive');
    clock += 40_000;
    relock.changed('background');
    clock += 30_000;
    expect(relock.changed('active')).toBe(true);
  });

  it('starts afresh after each return', () => {
    const relock = createRelockClock(RELOCK_AFTER_MS, now);
    relock.changed('background');
    clock += RELOCK_AFTER_MS * 2;
    expect(relock.changed('active')).toBe(true);
    relock.changed('background');
    clock += 10_000;
    expect(relock.changed('active')).toBe(false);
  });
});
