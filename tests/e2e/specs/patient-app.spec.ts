import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { newOwner, signUpPractice, snap, uniqueTag } from '../support/flows';

/*
 * The patient app's web export at /app/, on a phone-sized screen with a fake camera (playwright.config.ts), against
 * the real API: a practice invites a patient from the dashboard; the patient signs in with the link's code, chooses a
 * PIN, captures five photos and sends them; the doctor reviews the scan; the patient reads the feedback and writes
 * back; a scan sent with the connection gone arrives once when it returns.
 */

test.describe.configure({ mode: 'serial' });

const owner = newOwner('Appside');
const patient = { firstName: 'Amara', lastName: `Okafor ${uniqueTag()}` };
const PIN = '2468';
let dashboard: Page;
let dashboardContext: BrowserContext;
let app: Page;
let appContext: BrowserContext;

test.beforeAll(async ({ browser }) => {
  dashboardContext = await browser.newContext({ viewport: { width: 1280, height: 900 }, permissions: [] });
  dashboard = await dashboardContext.newPage();
  appContext = await browser.newContext();
  app = await appContext.newPage();
  app.on('pageerror', (error) => console.log(`[app page error] ${error.message}`));
  app.on('console', (message) => message.type() === 'error' && console.log(`[app console] ${message.text()}`));
});

test.afterAll(async () => {
  await dashboardContext.close();
  await appContext.close();
});

/** The practice adds the patient and invites them to the app; the code is shown on the patient's page. */
async function invitePatient(): Promise<string> {
  await signUpPractice(dashboard, owner);
  await dashboard.goto('/patients/new/');
  await dashboard.getByLabel('First name').fill(patient.firstName);
  await dashboard.getByLabel('Last name').fill(patient.lastName);
  await dashboard.getByLabel('Date of birth').fill('2008-06-02');
  await dashboard.getByLabel('Current stage').fill('4');
  await dashboard.getByLabel('Total stages').fill('22');
  await dashboard.getByLabel('Email', { exact: true }).fill(`amara.${uniqueTag()}@example.com`);
  await dashboard.getByRole('button', { name: 'Add patient' }).click();
  await expect(dashboard.getByRole('status')).toHaveText('Patient added. Invite them to the app when you are ready.');
  await dashboard.getByRole('button', { name: 'Invite to app' }).click();
  return (await dashboard.getByTestId('invite-code').textContent())!.trim();
}

/** One view: the instruction and "n of 5" shown, a shot, the on-device check, kept. */
async function takeView(n: number, total: number) {
  await expect(app.getByTestId('capture-progress')).toHaveText(`${n} of ${total}`);
  for (let attempt = 1; ; attempt++) {
    await app.getByRole('button', { name: 'Take photo' }).click();
    const check = app.getByTestId('check-result').first();
    await expect(check).toBeVisible();
    if ((await check.textContent()) === 'Looks good.') break;
    // A camera just opened can hand over a black frame on a busy machine: the check says "too dark", as it should,
    // and the patient takes it again.
    await expect(check).toHaveText('Too dark: find more light or turn on a lamp.');
    expect(attempt, 'the camera stayed dark').toBeLessThan(4);
    await app.getByRole('button', { name: 'Retake', exact: true }).click();
    await app.waitForTimeout(1_000);
  }
  await app.getByRole('button', { name: 'Keep' }).click();
  // The fake camera shows a new frame every second: the next view must not photograph the same one.
  await app.waitForTimeout(1_100);
}

const scanStatuses = () => app.getByTestId('scan-status');

test('the patient signs in from the invitation link, chooses a PIN and captures and sends a scan that arrives ready', async ({}, testInfo) => {
  test.setTimeout(180_000);
  const code = await invitePatient();

  await app.goto(`/app/?code=${encodeURIComponent(code)}`);
  await expect(app.getByRole('heading', { name: 'Welcome to OrthoScan' })).toBeVisible();
  await expect(app.getByLabel('Invitation code')).toHaveValue(code);
  await snap(app, testInfo, 'app-sign-in');
  await app.getByRole('button', { name: 'Connect' }).click();

  await expect(app.getByRole('heading', { name: 'Choose a PIN' })).toBeVisible();
  expect(new URL(app.url()).search, 'the used code leaves the address bar').toBe('');
  await app.getByLabel('PIN', { exact: true }).fill(PIN);
  await app.getByRole('button', { name: 'Continue' }).click();
  await app.getByLabel('PIN', { exact: true }).fill(PIN);
  await app.getByRole('button', { name: 'Save PIN' }).click();

  await expect(app.getByRole('heading', { name: `Hello, ${patient.firstName}` })).toBeVisible();
  await expect(app.getByTestId('treatment')).toContainText('Aligner 4 of 22');
  await expect(app.getByTestId('treatment')).toContainText(owner.practiceName);
  await expect(app.getByText('No scans yet. Your first one takes about two minutes.')).toBeVisible();
  await snap(app, testInfo, 'app-home-empty');

  const started = Date.now();
  await app.getByRole('button', { name: 'Start a scan' }).click();
  await app.getByLabel('Aligner number').fill('4');
  await app.getByRole('button', { name: 'Continue' }).click();
  await expect(app.getByText('Bite down gently and smile.')).toBeVisible();
  await snap(app, testInfo, 'app-capture');
  for (let n = 1; n <= 5; n++) await takeView(n, 5);
  await expect(app.getByText('All 5 photos are saved on this phone.')).toBeVisible();
  await snap(app, testInfo, 'app-capture-summary');
  await app.getByRole('button', { name: 'Send scan' }).click();

  await expect(app.getByTestId('home-notice')).toContainText('Your orthodontist will review it, usually within a day.');
  await expect(scanStatuses().first()).toHaveText('With your orthodontist', { timeout: 60_000 });
  const seconds = (Date.now() - started) / 1000;
  testInfo.annotations.push({ type: 'scripted-capture-and-upload-seconds', description: seconds.toFixed(1) });
  console.log(`[patient-app] scripted capture and upload until ready: ${seconds.toFixed(1)} s`);
  await expect(app.getByTestId('scan').first().getByRole('img')).toHaveCount(5);
  await snap(app, testInfo, 'app-home-scan-ready');
});

test('the doctor finds the scan in the review queue and approves it; the patient reads the feedback and writes back', async ({}, testInfo) => {
  await dashboard.goto('/review/');
  await expect(dashboard.getByRole('heading', { name: 'Review queue' })).toBeVisible();
  await expect(dashboard.locator('#scan-title a')).toContainText(patient.lastName);
  const grid = dashboard.getByRole('list', { name: 'Photos of this scan' });
  await expect(grid.locator('img')).toHaveCount(5);
  for (const name of ['Tracking', 'Aligner fit', 'Hygiene']) {
    const group = dashboard.getByRole('radiogroup', { name });
    if ((await group.getByRole('radio', { checked: true }).count()) === 0) await group.getByRole('radio').first().check();
  }
  await dashboard.keyboard.press('a');
  await dashboard.keyboard.press('Enter');
  await expect(dashboard.getByTestId('review-toast')).toContainText('Tagged');

  await expect(app.getByTestId('feedback')).toContainText('Great tracking! Move to aligner', { timeout: 45_000 });
  await expect(scanStatuses().first()).toHaveText('Reviewed');
  await snap(app, testInfo, 'app-feedback');

  await app.getByTestId('open-messages').click();
  await expect(app.getByRole('heading', { name: 'Messages' })).toBeVisible();
  await app.getByLabel('Write to your practice').fill('Thank you! The new aligner fits well.');
  await app.getByRole('button', { name: 'Send' }).click();
  const mine = app.getByTestId('message').filter({ hasText: 'Thank you! The new aligner fits well.' });
  await expect(mine).toBeVisible();
  await expect(mine.getByTestId('receipt')).toHaveText('Sent');

  // The practice reads it: the patient's copy says Read (the screen refreshes on its own).
  await dashboard.goto('/messages/');
  await dashboard.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: new RegExp(patient.firstName) }).click();
  await expect(dashboard.getByRole('list', { name: 'Messages' })).toContainText('Thank you! The new aligner fits well.');
  await expect(mine.getByTestId('receipt')).toHaveText('Read', { timeout: 30_000 });
  await snap(app, testInfo, 'app-messages');
  await app.getByRole('button', { name: 'Back' }).click();
});

test('a scan sent with the connection gone waits on the phone, then arrives once when the connection returns', async ({}, testInfo) => {
  test.setTimeout(150_000);
  await expect(app.getByRole('heading', { name: `Hello, ${patient.firstName}` })).toBeVisible();
  const before = await app.getByTestId('scan').count();
  const creations: string[] = [];
  app.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/api/v1/scans/sessions')) creations.push(r.headers()['idempotency-key'] ?? '');
  });

  await app.getByRole('button', { name: 'Start a scan' }).click();
  await app.getByLabel('Aligner number').fill('5');
  await app.getByRole('button', { name: 'Continue' }).click();
  for (let n = 1; n <= 5; n++) await takeView(n, 5);

  // The first answer to the session's creation is lost after the server made it (a tunnel), and then the network
  // stays down for the photos.
  let answersLost = 0;
  await app.route('**/api/v1/scans/sessions', async (route) => {
    if (route.request().method() !== 'POST' || answersLost > 0) return route.continue();
    answersLost++;
    await route.fetch();
    await route.abort('internetdisconnected');
  });
  let photosAllowed = false;
  await app.route('**/api/v1/scans/upload-url', (route) => (photosAllowed ? route.continue() : route.abort('internetdisconnected')));
  await app.getByRole('button', { name: 'Send scan' }).click();
  await expect(app.getByTestId('queue-status')).toHaveText('5 photos waiting for a connection');
  await snap(app, testInfo, 'app-offline-queue');

  // The app is closed and opened again with the connection back: the queue is still there, behind the PIN.
  await app.reload();
  photosAllowed = true;
  await app.getByLabel('PIN', { exact: true }).fill(PIN);
  await app.getByRole('button', { name: 'Unlock' }).click();

  await expect(app.getByTestId('scan')).toHaveCount(before + 1, { timeout: 60_000 });
  await expect(app.getByTestId('queue-status')).toHaveCount(0);
  await expect(scanStatuses().first()).toHaveText(/With your orthodontist|Checking your photos/);
  expect(answersLost).toBe(1);
  expect(creations.length, 'the creation was retried after its answer was lost').toBeGreaterThanOrEqual(2);
  expect(new Set(creations).size, 'every try carried the same Idempotency-Key').toBe(1);
});

test('a scan the API asks to retake names the views and why, and the patient retakes only those', async ({}, testInfo) => {
  test.setTimeout(150_000);
  await app.unrouteAll({ behavior: 'ignoreErrors' });
  await expect(app.getByRole('heading', { name: `Hello, ${patient.firstName}` })).toBeVisible();
  // The photo for the right side goes up as a copy of the left side's: the API finds the two views the same.
  const viewOf = new Map<string, string>();
  let leftSide: Buffer | null = null;
  await app.route('**/api/v1/scans/upload-url', async (route) => {
    const asked = route.request().postDataJSON() as { imageType: string; contentLength: number };
    // The link is signed for the declared length: the copy declares the left side's.
    if (asked.imageType === 'buccal_r' && leftSide) asked.contentLength = leftSide.length;
    const response = await route.fetch({ postData: asked });
    viewOf.set(new URL((await response.json()).url as string, app.url()).pathname, asked.imageType);
    await route.fulfill({ response });
  });
  await app.route((url) => viewOf.has(url.pathname), async (route) => {
    const view = viewOf.get(new URL(route.request().url()).pathname);
    if (view === 'buccal_l') leftSide = route.request().postDataBuffer();
    await route.continue(view === 'buccal_r' && leftSide ? { postData: leftSide } : undefined);
  });

  await app.getByRole('button', { name: 'Start a scan' }).click();
  await app.getByLabel('Aligner number').fill('6');
  await app.getByRole('button', { name: 'Continue' }).click();
  for (let n = 1; n <= 5; n++) await takeView(n, 5);
  await app.getByRole('button', { name: 'Send scan' }).click();

  const latest = app.getByTestId('scan').first();
  await expect(latest.getByTestId('scan-status')).toHaveText('Some photos need a retake', { timeout: 60_000 });
  await expect(latest).toContainText('Left side: the same as another photo');
  await expect(latest).toContainText('Right side: the same as another photo');
  await expect(latest).not.toContainText('Front:');
  await snap(app, testInfo, 'app-retake-asked');

  await app.unrouteAll({ behavior: 'ignoreErrors' });
  const uploadsAsked: string[] = [];
  app.on('request', (r) => {
    if (r.url().endsWith('/api/v1/scans/upload-url')) uploadsAsked.push((r.postDataJSON() as { imageType: string }).imageType);
  });
  await latest.getByRole('button', { name: 'Retake 2 photos' }).click();
  await expect(app.getByText('Turn your head to the right and pull your left cheek back.')).toBeVisible();
  // The fake camera plays its file from the start whenever the camera opens (24 frames, one a second): well past the
  // frames the first five photos came from (about the first ten seconds, more on a loaded machine) and short of the loop.
  await app.waitForTimeout(14_000);
  await takeView(1, 2);
  await expect(app.getByText('Turn your head to the left and pull your right cheek back.')).toBeVisible();
  await takeView(2, 2);
  await expect(app.getByText('All 2 photos are saved on this phone.')).toBeVisible();
  await app.getByRole('button', { name: 'Send scan' }).click();

  await expect(latest.getByTestId('scan-status')).toHaveText('With your orthodontist', { timeout: 60_000 });
  expect(uploadsAsked.sort()).toEqual(['buccal_l', 'buccal_r']);
});
