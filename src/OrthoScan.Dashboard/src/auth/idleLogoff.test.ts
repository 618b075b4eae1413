import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IDLE_LOGOFF_MINUTES, watchIdle } from './idleLogoff';

const minutes = (n: number) => n * 60_000;

describe('automatic logoff', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    window.localStorage.clear();
  });
  afterEach(() => vi.useRealTimers());

  it(`signs out once after ${IDLE_LOGOFF_MINUTES} minutes without activity, and not before`, () => {
    const onIdle = vi.fn();
    const stop = watchIdle({ onIdle });

    vi.advanceTimersByTime(minutes(IDLE_LOGOFF_MINUTES) - 20_000);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(40_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(minutes(30));
    expect(onIdle).toHaveBeenCalledTimes(1);
    stop();
  });

  it('a key press or a click starts the quiet spell again', () => {
    const onIdle = vi.fn();
    const stop = watchIdle({ onIdle });

    vi.advanceTimersByTime(minutes(10));
    window.dispatchEvent(new KeyboardEvent('keydown', { key: 'a' }));
    vi.advanceTimersByTime(minutes(10));
    expect(onIdle).not.toHaveBeenCalled();
    window.dispatchEvent(new Event('pointerdown'));
    vi.advanceTimersByTime(minutes(14));
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(minutes(2));
    expect(onIdle).toHaveBeenCalledTimes(1);
    stop();
  });

  it('work in another tab of the dashboard keeps this one signed in', () => {
    const onIdle = vi.fn();
    const stop = watchIdle({ onIdle });

    vi.advanceTimersByTime(minutes(12));
    window.localStorage.setItem('orthoscan.lastActivity', String(Date.now())); // the other tab's record
    vi.advanceTimersByTime(minutes(12));
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(minutes(4));
    expect(onIdle).toHaveBeenCalledTimes(1);
    stop();
  });

  it('stops watching when the session ends', () => {
    const onIdle = vi.fn();
    watchIdle({ onIdle })();
    vi.advanceTimersByTime(minutes(60));
    expect(onIdle).not.toHaveBeenCalled();
  });
});
