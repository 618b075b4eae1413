import { expect, test, type Page } from '@playwright/test';
import { enrolMfa, snap, type Account } from '../support/flows';

/*
 * The demo doctor clears scans from the seeded review queue with the keyboard alone (scripts/e2e.sh seeds the demo
 * practice; every third seeded patient has an earlier reviewed scan). Only this spec uses the demo practice.
 */

const doctor: Account = { email: 'doctor@demo.orthoscan.local', password: 'Demo-Password-2026' };
const MAX_KEYS_PER_SCAN = 6;

/** Every key goes through here, so the count per scan is what the doctor would have pressed. */
class Keys {
  count = 0;
  constructor(private readonly page: Page) {}
  async press(...keys: string[]) {
    for (const key of keys) {
      this.count++;
      await this.page.keyboard.press(key);
    }
  }
}

const currentPatient = (page: Page) => page.locator('#scan-title a');
const queueCount = async (page: Page) => Number((await page.getByTestId('queue-count').textContent())?.match(/\d+/)?.[0]);

async function photosShown(page: Page) {
  const grid = page.getByRole('list', { name: 'Photos of this scan' });
  await expect(grid.locator('img')).toHaveCount(5);
  await expect.poll(() => grid.locator('img').evaluateAll((imgs) => imgs.every((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0))).toBe(true);
}

/** Scores the AI did not pre-fill, in order: each digit sets the focused one and moves to the next. */
async function openScores(page: Page): Promise<number> {
  let open = 0;
  for (const name of ['Tracking', 'Aligner fit', 'Hygiene']) {
    if ((await page.getByRole('radiogroup', { name }).getByRole('radio', { checked: true }).count()) === 0) open++;
  }
  return open;
}

test('the demo doctor reviews five scans from the queue with the keyboard alone, then zooms and compares photos', async ({ page }, testInfo) => {
  test.setTimeout(240_000);

  await page.goto('/review/');
  await expect(page).toHaveURL(/\/signin\//);
  await page.getByLabel('Email').fill(doctor.email);
  await page.getByLabel('Password').fill(doctor.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await enrolMfa(page, doctor);
  await expect(page).toHaveURL(/\/review\/$/);

  await expect(page.getByRole('heading', { name: 'Review queue' })).toBeVisible();
  await expect(page.getByTestId('queue-count')).toBeVisible();
  const before = await queueCount(page);
  expect(before, 'eight seeded scans waiting').toBeGreaterThanOrEqual(6);
  await photosShown(page);
  await snap(page, testInfo, 'review-queue');

  // The shortcuts list, opened and closed with keys (not counted: it is not part of a review).
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Review shortcuts' })).toBeVisible();
  await snap(page, testInfo, 'review-shortcuts');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog', { name: 'Review shortcuts' })).toBeHidden();

  // Five reviews, each action once at least: approve, hold 5 days, schedule, approve, approve.
  const plans: string[][] = [['a'], ['h', '5'], ['s'], ['a'], ['a']];
  const tagged: string[] = [];
  let heldPatientPage = '';
  for (const [n, plan] of plans.entries()) {
    const name = (await currentPatient(page).textContent())!.trim();
    if (n === 1) heldPatientPage = (await currentPatient(page).getAttribute('href'))!;
    expect(tagged, 'a tagged scan never comes back').not.toContain(name);
    await photosShown(page);
    const keys = new Keys(page);
    // The panel already has the focus on the first open score: no T needed.
    for (let i = await openScores(page); i > 0; i--) await keys.press('1');
    await keys.press(...plan, 'Enter');

    expect(keys.count, `keystrokes for scan ${n + 1} (${name})`).toBeLessThanOrEqual(MAX_KEYS_PER_SCAN);
    await expect(page.getByTestId('review-toast')).toContainText(`Tagged ${name}.`);
    await expect(page.getByTestId('queue-count')).toContainText(`${before - n - 1} `);
    tagged.push(name);
    if (n === 0) await snap(page, testInfo, 'review-tagged-toast');
  }

  // The server agrees: after a reload the five are gone from the queue.
  await page.reload();
  await expect(page.getByTestId('queue-count')).toContainText(`${before - 5} `);
  expect(tagged).not.toContain((await currentPatient(page).textContent())!.trim());

  // A seeded patient with an earlier reviewed scan still waits in the queue: N until their scan is on screen.
  for (let i = 0; i < before && !(await page.getByText(/previous scan aligner/).isVisible()); i++) {
    await page.keyboard.press('n');
    await expect(page.getByRole('list', { name: 'Photos of this scan' })).toBeVisible();
  }
  await expect(page.getByText(/previous scan aligner/)).toBeVisible();
  await photosShown(page);

  // Viewer: F opens it, + zooms (transform scale), 0 resets, C compares with the previous scan, Escape closes.
  await page.keyboard.press('f');
  const viewer = page.getByRole('dialog', { name: /Photo viewer/ });
  await expect(viewer).toBeVisible();
  const current = viewer.getByTestId('viewer-current');
  const scale = () => current.evaluate((el) => new DOMMatrixReadOnly(getComputedStyle(el).transform).a);
  await expect.poll(scale).toBeCloseTo(1, 2);
  await page.keyboard.press('+');
  await page.keyboard.press('+');
  await expect(viewer.getByTestId('zoom-level')).toHaveText('156%');
  await expect.poll(scale).toBeCloseTo(1.5625, 2);
  await snap(page, testInfo, 'viewer-zoomed');
  await page.keyboard.press('0');
  await expect(viewer.getByTestId('zoom-level')).toHaveText('100%');
  await expect.poll(scale).toBeCloseTo(1, 2);
  for (let i = 0; i < 10; i++) await page.keyboard.press('+');
  await expect(viewer.getByTestId('zoom-level')).toHaveText('400%');
  await page.keyboard.press('0');

  // Pinch: two real touch points (through the DevTools protocol) moving apart zoom in; 0 resets again.
  await expect(viewer.getByTestId('zoom-level')).toHaveText('100%');
  const box = (await current.boundingBox())!;
  const cdp = await page.context().newCDPSession(page);
  const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
  const touch = (type: 'touchStart' | 'touchMove' | 'touchEnd', apart: number) =>
    cdp.send('Input.dispatchTouchEvent', {
      type,
      touchPoints: type === 'touchEnd' ? [] : [{ x: cx - apart, y: cy, id: 1 }, { x: cx + apart, y: cy, id: 2 }],
    });
  await touch('touchStart', 40);
  for (const apart of [60, 80, 100, 120]) await touch('touchMove', apart);
  await touch('touchEnd', 0);
  await expect.poll(scale).toBeGreaterThan(2);
  await page.keyboard.press('0');
  await expect(viewer.getByTestId('zoom-level')).toHaveText('100%');

  await page.keyboard.press('c');
  const previous = viewer.getByTestId('viewer-previous');
  await expect(previous).toBeVisible();
  await expect(viewer.getByText(/^Previous scan · aligner \d+/)).toBeVisible();
  await expect.poll(() => previous.locator('img').last().evaluate((i) => (i as HTMLImageElement).complete && (i as HTMLImageElement).naturalWidth > 0)).toBe(true);
  await page.keyboard.press('ArrowRight');
  await expect(previous).toBeVisible();
  await snap(page, testInfo, 'viewer-compare');
  await page.keyboard.press('Escape');
  await expect(viewer).toBeHidden();
  await expect(page.getByRole('heading', { name: 'Review queue' })).toBeVisible();

  // M: a message to the patient of the scan on screen, written in a composer over it; Ctrl+Enter sends and closes it.
  const messaged = (await currentPatient(page).textContent())!.trim();
  await page.keyboard.press('m');
  const composer = page.getByRole('dialog', { name: `Message ${messaged}` });
  await expect(composer).toBeVisible();
  const messageText = composer.getByRole('textbox', { name: 'Message', exact: true });
  await expect(messageText).toBeFocused();
  await page.keyboard.type('Your aligners look good. Keep wearing them 22 hours a day.');
  await snap(page, testInfo, 'review-message-composer');
  await page.keyboard.press('Control+Enter');
  await expect(page.getByTestId('review-toast')).toContainText(`Message sent to ${messaged}`);
  await expect(composer).toBeHidden();
  await expect(currentPatient(page)).toHaveText(messaged);

  // The patient held for 5 days sees that outcome on their timeline, with the reviewer.
  await page.goto(heldPatientPage);
  const outcome = page.getByTestId('timeline-outcome').first();
  await expect(outcome).toContainText('Hold 5 days');
  await expect(outcome).toContainText('Dr. Samuel Okafor');
  await snap(page, testInfo, 'patient-timeline-outcome');
});
