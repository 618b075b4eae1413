import { randomBytes } from 'node:crypto';
import { expect, type Locator, type Page, type TestInfo } from '@playwright/test';
import { Authenticator } from './totp';

/*
 * The journeys every spec needs (sign up, enrol MFA, sign in, sign out), driven through the dashboard like a
 * person would: labels, roles and visible text only, never the API directly.
 */

/** A short token that makes emails, practice and patient names unique to this run. */
export function uniqueTag(): string {
  return `${Date.now().toString(36).slice(-4)}${randomBytes(3).toString('hex')}`;
}

export const PASSWORD = 'correct horse battery staple';

export interface Account {
  email: string;
  password: string;
  /** Set once MFA is enrolled: hands out a TOTP code for a step this account has not used yet. */
  authenticator?: Authenticator;
}

export interface Owner extends Account {
  practiceName: string;
  ownerName: string;
}

export function newOwner(label: string): Owner {
  const tag = uniqueTag();
  return {
    practiceName: `${label} Orthodontics ${tag}`,
    ownerName: `Dr ${label} ${tag}`,
    email: `owner.${label.toLowerCase()}.${tag}@e2e.orthoscan.test`,
    password: PASSWORD,
  };
}

/**
 * Saves a screenshot of the whole page under this test's output folder. The viewport is stretched to the page's
 * height for the shot, because a full-page capture draws the shell's fixed navigation only one viewport high.
 */
export async function snap(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  const viewport = page.viewportSize();
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  if (viewport && height > viewport.height) await page.setViewportSize({ width: viewport.width, height });
  await page.screenshot({ path: testInfo.outputPath(`${name}.png`) });
  if (viewport && height > viewport.height) await page.setViewportSize(viewport);
}

type Snap = (name: string) => Promise<void>;

/**
 * On the MFA enrolment step (after sign-up or accepting an invitation): reads the secret shown under the QR code,
 * enters a code computed from it and waits for the step to go away.
 */
export async function enrolMfa(page: Page, account: Account, onEnrolmentStep?: Snap): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Set up two-factor authentication' })).toBeVisible();
  await expect(page.getByRole('img', { name: 'QR code to add OrthoScan to your authenticator app' })).toBeVisible();
  const shown = await page.getByTestId('mfa-secret').textContent();
  const secret = (shown ?? '').replace(/\s/g, '');
  expect(secret, 'the base32 secret shown for manual entry').toMatch(/^[A-Z2-7]{16,}$/);
  account.authenticator = new Authenticator(secret);
  // Ten recovery codes, shown once, for the day the phone is lost.
  await expect(page.getByTestId('recovery-codes').getByText(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/)).toHaveCount(10);
  await onEnrolmentStep?.('mfa-enrolment');

  await page.getByLabel('6-digit code').fill(await account.authenticator.nextCode());
  await page.getByRole('button', { name: 'Turn on and continue' }).click();
  await expect(page.getByRole('heading', { name: 'Set up two-factor authentication' })).toBeHidden();
}

/** /signup/ -> practice and owner -> MFA enrolment -> the first-run checklist at /welcome/. */
export async function signUpPractice(page: Page, owner: Owner, onScreen?: Snap): Promise<void> {
  await page.goto('/signup/');
  await expect(page.getByRole('heading', { name: 'Create your practice account' })).toBeVisible();
  await page.getByLabel('Practice name').fill(owner.practiceName);
  await page.getByLabel('Practice address').fill('12 Harbour Street, Bristol');
  await page.getByLabel('Your name').fill(owner.ownerName);
  await page.getByLabel('Work email').fill(owner.email);
  await page.getByLabel('Password').fill(owner.password);
  await onScreen?.('sign-up');
  await page.getByRole('button', { name: 'Create practice' }).click();

  await expect(page.getByText('Your practice is created. One more step to protect it.')).toBeVisible();
  await enrolMfa(page, owner, onScreen);

  await expect(page).toHaveURL(/\/welcome\/$/);
  await expect(page.getByRole('heading', { name: 'Welcome to OrthoScan' })).toBeVisible();
}

/** On /signin/: email + password, then a fresh TOTP code. Leaves the page wherever the app sends the user. */
export async function signIn(page: Page, account: Account): Promise<void> {
  if (!account.authenticator) throw new Error(`${account.email} has no MFA enrolled yet`);
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Continue' }).click();

  await expect(page.getByRole('heading', { name: 'Enter your authentication code' })).toBeVisible();
  // The API refuses a step already used by this account: this may wait for the next 30-second step.
  await page.getByLabel('6-digit code').fill(await account.authenticator.nextCode());
  await page.getByRole('button', { name: 'Verify and continue' }).click();
  await expect(page).not.toHaveURL(/\/signin\//);
}

/** User menu -> Sign out, landing on the sign-in page with its notice. */
export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: /open user menu/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin\/\?signedout=1$/);
  await expect(page.getByText('You have signed out.')).toBeVisible();
}

/** The left navigation of the signed-in shell (desktop width). */
export function mainNav(page: Page): Locator {
  return page.getByRole('navigation', { name: 'Main' });
}

/** The password `seed` gives every demo login (scripts/e2e.sh seeds the demo practice and the platform users). */
export const DEMO_PASSWORD = 'Demo-Password-2026';

export function demoAccount(email: string): Account {
  return { email, password: DEMO_PASSWORD };
}

/**
 * First sign-in of a seeded account (a password, no MFA yet) from the sign-in page: email and password, then the
 * enrolment step every dashboard user meets once. Leaves the page wherever the app sends the user (`?next=`).
 */
export async function signInAndEnrol(page: Page, account: Account): Promise<void> {
  await page.getByLabel('Email').fill(account.email);
  await page.getByLabel('Password').fill(account.password);
  await page.getByRole('button', { name: 'Continue' }).click();
  await enrolMfa(page, account);
  await expect(page).not.toHaveURL(/\/signin\//);
}
