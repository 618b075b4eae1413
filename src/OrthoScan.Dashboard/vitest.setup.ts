import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// jsdom has no layout and no ResizeObserver: charts (Recharts' ResponsiveContainer) would measure 0 x 0 and draw
// nothing. This observer reports every observed element as 800 x 300 px, so charts draw in unit tests.
if (typeof globalThis.ResizeObserver === 'undefined') {
  globalThis.ResizeObserver = class {
    constructor(private readonly callback: ResizeObserverCallback) {}
    observe(target: Element) {
      const contentRect = { x: 0, y: 0, top: 0, left: 0, right: 800, bottom: 300, width: 800, height: 300, toJSON: () => ({}) };
      this.callback([{ target, contentRect } as unknown as ResizeObserverEntry], this as unknown as ResizeObserver);
    }
    unobserve() {}
    disconnect() {}
  };
}

// findBy/waitFor wait up to 1 s by default; the suite shares two cores with several builds, so give them more.
configure({ asyncUtilTimeout: 5000 });

afterEach(() => cleanup());
