import { expect, test, type Page } from '@playwright/test';
import { Authenticator } from '../../e2e/support/totp';

/*
 * Review screen, "N to next scan": the time from the N key press to all five photos of the next scan shown
 * (every <img> complete with naturalWidth > 0), measured inside the page with performance.now() against the key
 * event's own timestamp. Runs with prefetch (the product) and with `?prefetch=0` (baseline: the next scan's data and
 * photos are fetched only when N is pressed), in alternating blocks so both see the same machine load.
 * Measures, never asserts a target: the numbers go to docs/performance.md.
 *   PRESSES  N presses per block (default 20)   BLOCKS  blocks per mode (default 2)   DWELL_MS  time on a scan (default 1500)
 */

const PRESSES = Number(process.env.PRESSES ?? 20);
const BLOCKS = Number(process.env.BLOCKS ?? 2);
const DWELL_MS = Number(process.env.DWELL_MS ?? 1500);

async function signInAsDemoDoctor(page: Page) {
  await page.goto('/review/');
  await page.getByLabel('Email').fill('doctor@demo.orthoscan.local');
  await page.getByLabel('Password').fill('Demo-Password-2026');
  await page.getByRole('button', { name: 'Continue' }).click();
  await expect(page.getByRole('heading', { name: 'Set up two-factor authentication' })).toBeVisible();
  const secret = ((await page.getByTestId('mfa-secret').textContent()) ?? '').replace(/\s/g, '');
  await page.getByLabel('6-digit code').fill(await new Authenticator(secret).nextCode());
  await page.getByRole('button', { name: 'Turn on and continue' }).click();
  await expect(page).toHaveURL(/\/review\/$/);
}

/** Arms a one-shot probe: on the next N, the ms from the key event until the next scan's five photos are shown. */
async function armProbe(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __probe: Promise<number> };
    const grid = () => document.querySelector<HTMLElement>('[data-session]');
    const before = grid()?.dataset.session;
    w.__probe = new Promise<number>((resolve) => {
      // A scan whose photos never all show (a failed download) counts as a miss, not as a hang.
      setTimeout(() => resolve(-1), 10_000);
      const onKey = (e: KeyboardEvent) => {
        if (e.key !== 'n') return;
        window.removeEventListener('keydown', onKey, true);
        const start = e.timeStamp;
        const shown = () => {
          const g = grid();
          if (!g || g.dataset.session === before) return false;
          const imgs = [...g.querySelectorAll('img')];
          return imgs.length === 5 && imgs.every((i) => i.complete && i.naturalWidth > 0);
        };
        let done = false;
        const finish = () => {
          if (done || !shown()) return;
          done = true;
          document.removeEventListener('load', finish, true);
          resolve(performance.now() - start);
        };
        // Photo loads and every frame: whichever first sees all five photos of the new scan.
        document.addEventListener('load', finish, true);
        const frame = () => {
          finish();
          if (!done) requestAnimationFrame(frame);
        };
        requestAnimationFrame(frame);
      };
      window.addEventListener('keydown', onKey, true);
    });
  });
}

async function photosShown(page: Page) {
  await expect.poll(() => page.evaluate(() => {
    const imgs = [...document.querySelectorAll<HTMLImageElement>('[data-session] img')];
    return imgs.length === 5 && imgs.every((i) => i.complete && i.naturalWidth > 0);
  })).toBe(true);
}

const misses = { prefetch: 0, baseline: 0 };

async function block(page: Page, prefetch: boolean): Promise<number[]> {
  await page.goto(prefetch ? '/review/' : '/review/?prefetch=0');
  await expect(page.getByTestId('queue-count')).toBeVisible();
  await photosShown(page);
  const samples: number[] = [];
  for (let i = 0; i < PRESSES; i++) {
    await page.waitForTimeout(DWELL_MS);
    await armProbe(page);
    await page.keyboard.press('n');
    const ms = await page.evaluate(() => (window as unknown as { __probe: Promise<number> }).__probe);
    if (ms < 0) misses[prefetch ? 'prefetch' : 'baseline']++;
    else samples.push(ms);
  }
  return samples;
}

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

test('review screen: N to the next scan\u2019s photos shown, with and without prefetch', async ({ page }) => {
  await signInAsDemoDoctor(page);
  const waiting = Number((await page.getByTestId('queue-count').textContent())?.match(/\d+/)?.[0]);
  expect(waiting, 'the seeded demo queue').toBeGreaterThan(1);

  const results = { prefetch: [] as number[], baseline: [] as number[] };
  // Warm-up block (JIT, connections, first decode), not counted.
  await block(page, true);
  for (let b = 0; b < BLOCKS; b++) {
    results.prefetch.push(...await block(page, true));
    results.baseline.push(...await block(page, false));
  }

  const row = (name: string, s: number[]) =>
    `| ${name} | ${s.length} | ${percentile(s, 50).toFixed(0)} | ${percentile(s, 95).toFixed(0)} | ${Math.min(...s).toFixed(0)} | ${Math.max(...s).toFixed(0)} |`;
  const lines = [
    `review latency: ${waiting} scans in the queue, ${BLOCKS} blocks x ${PRESSES} presses per mode, ${DWELL_MS} ms on each scan before N`,
    '| mode | n | p50 ms | p95 ms | min ms | max ms |',
    '|---|---|---|---|---|---|',
    row('prefetch (default)', results.prefetch),
    row('no prefetch (`?prefetch=0`, baseline)', results.baseline),
    `misses (photos not all shown within 10 s): prefetch ${misses.prefetch}, baseline ${misses.baseline}`,
    `ratio prefetch / baseline: p50 ${(percentile(results.prefetch, 50) / percentile(results.baseline, 50)).toFixed(2)}, p95 ${(percentile(results.prefetch, 95) / percentile(results.baseline, 95)).toFixed(2)}`,
    `target p95 < 150 ms with prefetch: ${percentile(results.prefetch, 95) < 150 ? 'MET' : 'NOT MET'} (${percentile(results.prefetch, 95).toFixed(0)} ms)`,
  ];
  console.log(lines.join('\n'));
});
