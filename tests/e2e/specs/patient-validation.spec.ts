import { expect, test, type BrowserContext, type Page, type Request } from '@playwright/test';
import { newOwner, signUpPractice, snap, uniqueTag } from '../support/flows';

/*
 * The new-patient form shows what is wrong beside the field that is wrong: the API's ProblemDetails field errors
 * (400 from validation, 422 from a business rule) as well as the form's own checks, which mirror the API's rules.
 */
test.describe.configure({ mode: 'serial' });

let context: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext();
  page = await context.newPage();
  await signUpPractice(page, newOwner('Validation'));
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) await snap(page, testInfo, 'failure');
});

test.afterAll(async () => {
  await context.close();
});

const isCreatePatient = (request: Request) => request.method() === 'POST' && new URL(request.url()).pathname === '/api/v1/patients';

async function openNewPatientForm(lastName: string) {
  await page.goto('/patients/new/');
  await expect(page.getByRole('heading', { name: 'New patient' })).toBeVisible();
  await page.getByLabel('First name').fill('Noor');
  await page.getByLabel('Last name').fill(lastName);
  await page.getByLabel('Date of birth').fill('2011-07-02');
}

async function submitExpecting(status: number) {
  const response = page.waitForResponse((r) => isCreatePatient(r.request()));
  await page.getByRole('button', { name: 'Add patient' }).click();
  expect((await response).status()).toBe(status);
}

test("the API's field errors appear beside their fields, and the form saves once they are fixed", async ({}, testInfo) => {
  const lastName = `Haddad ${uniqueTag()}`;
  await openNewPatientForm(lastName);
  await page.getByLabel('Email', { exact: true }).fill(`noor.${uniqueTag()}@example.com`);
  // Total stages is optional on creation (the API then assumes 1), so the form cannot know stage 5 is too far.
  await page.getByLabel('Current stage').fill('5');
  // The form does not know the API's list of time zones.
  await page.getByLabel('Time zone').fill('Mars/Olympus_Mons');

  // 400: request validation.
  await submitExpecting(400);
  const timeZone = page.getByLabel('Time zone');
  await expect(timeZone).toHaveAttribute('aria-invalid', 'true');
  await expect(timeZone).toHaveAccessibleDescription('Use an IANA time zone such as Europe/Paris.');
  await expect(timeZone).toBeFocused();
  await expect(page.getByRole('alert').filter({ hasText: 'Check: Time zone.' })).toContainText('The request has invalid fields.');

  // 422: a rule the handler checks against the stored defaults.
  await timeZone.fill('Europe/Paris');
  await submitExpecting(422);
  const currentStage = page.getByLabel('Current stage');
  await expect(currentStage).toHaveAttribute('aria-invalid', 'true');
  await expect(currentStage).toHaveAccessibleDescription('The current stage cannot be after the last stage.');
  await expect(currentStage).toBeFocused();
  await expect(timeZone).not.toHaveAttribute('aria-invalid');
  await expect(page.getByRole('alert').filter({ hasText: 'Check: Current stage.' })).toContainText('The request breaks a rule.');
  await snap(page, testInfo, 'patient-form-errors');

  await page.getByLabel('Total stages').fill('24');
  await submitExpecting(201);
  await expect(page.getByRole('status')).toHaveText('Patient added. Invite them to the app when you are ready.');
  await expect(page.getByText('Stage 5 of 24')).toBeVisible();
  await expect(page.getByText('Europe/Paris')).toBeVisible();
});

test('an invalid phone and a current stage after the last stage are shown beside their fields before anything is sent', async () => {
  await openNewPatientForm(`Haddad ${uniqueTag()}`);
  const sent: Request[] = [];
  const record = (request: Request) => isCreatePatient(request) && sent.push(request);
  page.on('request', record);

  await page.getByLabel('Mobile phone').fill('+0 555 0100');
  await page.getByLabel('Current stage').fill('12');
  await page.getByLabel('Total stages').fill('10');
  await page.getByRole('button', { name: 'Add patient' }).click();

  // The same words the API uses for these rules (PatientRules.cs), so the message does not change with who caught it.
  const currentStage = page.getByLabel('Current stage');
  await expect(currentStage).toHaveAccessibleDescription('The current stage cannot be after the last stage.');
  await expect(currentStage).toBeFocused();
  await expect(page.getByLabel('Mobile phone')).toHaveAccessibleDescription('Use the international format, e.g. +14155550123.');
  await expect(page.getByLabel('Mobile phone')).toHaveAttribute('aria-invalid', 'true');
  expect(sent).toHaveLength(0);
  page.off('request', record);

  // Corrected, the same form saves.
  await page.getByLabel('Mobile phone').fill('+1 415 555 0123');
  await page.getByLabel('Current stage').fill('10');
  await submitExpecting(201);
  await expect(page.getByText('Stage 10 of 10')).toBeVisible();
  await expect(page.getByRole('link', { name: '+14155550123' })).toBeVisible();
});
