import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { enrolMfa, mainNav, newOwner, PASSWORD, signIn, signOut, signUpPractice, snap, uniqueTag, type Account } from '../support/flows';

/*
 * One practice's first day, in order: each test continues where the previous one left the owner's browser
 * (one context, so the refresh cookie carries over exactly as it would for a real user).
 */
test.describe.configure({ mode: 'serial' });

const owner = newOwner('Harbour');
const patient = { firstName: 'Amara', lastName: `Lindqvist ${uniqueTag()}` };
let patientId = '';

let context: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser }) => {
  // Playwright Test traces contexts made here too (trace: retain-on-failure in the config).
  context = await browser.newContext();
  page = await context.newPage();
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) await snap(page, testInfo, 'failure');
});

test.afterAll(async () => {
  await context.close();
});

test('a new practice signs up, enrols MFA with a computed TOTP code and lands on the first-run checklist', async ({}, testInfo) => {
  await signUpPractice(page, owner, (name) => snap(page, testInfo, name));

  await expect(page.getByRole('heading', { name: 'Protect your account' })).toContainText('Done');
  await expect(page.getByRole('link', { name: 'Invite staff' })).toHaveAttribute('href', '/settings/');
  await expect(page.getByRole('link', { name: 'Add your first patient' })).toHaveAttribute('href', '/patients/new/');
  await expect(page.getByTestId('practice-name')).toHaveText(owner.practiceName);
  await snap(page, testInfo, 'welcome');
});

test('the owner signs out, is kept out, and signs in again with password and a fresh TOTP code', async () => {
  await signOut(page);

  // Signing out revoked the refresh cookie: a signed-in page now sends the visitor to sign-in, remembering the page.
  await page.goto('/patients/');
  await expect(page).toHaveURL(/\/signin\/\?next=%2Fpatients%2F/);

  await signIn(page, owner);
  await expect(page).toHaveURL(/\/patients\/$/);
  await expect(page.getByRole('heading', { name: 'Patients', exact: true })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No patients yet' })).toBeVisible();
});

test('the owner adds a patient, finds them by search, opens and edits their stage', async ({}, testInfo) => {
  await page.getByRole('link', { name: 'New patient' }).click();
  await expect(page.getByRole('heading', { name: 'New patient' })).toBeVisible();
  await page.getByLabel('First name').fill(patient.firstName);
  await page.getByLabel('Last name').fill(patient.lastName);
  await page.getByLabel('Date of birth').fill('2009-03-14');
  await page.getByLabel('Aligner brand').fill('Invisalign');
  await page.getByLabel('Current stage').fill('3');
  await page.getByLabel('Total stages').fill('20');
  await page.getByLabel('Email', { exact: true }).fill(`amara.${uniqueTag()}@example.com`);
  await page.getByLabel('Mobile phone').fill('+44 7700 900123');
  await page.getByRole('button', { name: 'Add patient' }).click();

  await expect(page).toHaveURL(/\/patients\/view\/\?id=[0-9a-f-]{36}&created=1$/);
  await expect(page.getByRole('status')).toHaveText('Patient added. Invite them to the app when you are ready.');
  patientId = new URL(page.url()).searchParams.get('id')!;

  // Find them again from the list, by part of the name.
  await mainNav(page).getByRole('link', { name: 'Patients' }).click();
  const search = page.getByLabel('Search by name');
  await search.fill('Nobody by this name');
  await expect(page.getByRole('heading', { name: 'No patients match' })).toBeVisible();
  await search.fill(patient.lastName.split(' ')[1]);
  const row = page.getByRole('row', { name: new RegExp(`${patient.lastName}, ${patient.firstName}`) });
  await expect(row).toBeVisible();
  await expect(row).toContainText('3 of 20');
  await expect(page.getByText('1 patient · end of list')).toBeVisible();
  await snap(page, testInfo, 'patients-list');

  await row.getByRole('link', { name: `${patient.lastName}, ${patient.firstName}` }).click();
  await expect(page).toHaveURL(new RegExp(`/patients/view/\\?id=${patientId}$`));
  await expect(page.getByRole('heading', { name: `${patient.firstName} ${patient.lastName}`, level: 1 })).toBeVisible();
  await expect(page.getByText('Stage 3 of 20')).toBeVisible();
  await expect(page.getByRole('link', { name: '+447700900123' })).toBeVisible();
  await snap(page, testInfo, 'patient-detail');

  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await expect(page.getByRole('heading', { name: `Edit ${patient.firstName} ${patient.lastName}` })).toBeVisible();
  await expect(page.getByLabel('Current stage')).toHaveValue('3');
  await page.getByLabel('Current stage').fill('4');
  await page.getByLabel('Status', { exact: true }).selectOption('active');
  await snap(page, testInfo, 'patient-form');
  await page.getByRole('button', { name: 'Save changes' }).click();

  await expect(page).toHaveURL(new RegExp(`/patients/view/\\?id=${patientId}&saved=1$`));
  await expect(page.getByRole('status')).toHaveText('Changes saved.');
  await expect(page.getByText('Stage 4 of 20')).toBeVisible();
  await expect(page.getByRole('term').filter({ hasText: 'Status' }).locator('xpath=following-sibling::dd[1]')).toHaveText('active');
});

test('a reload keeps the session through the refresh cookie and stays on the page', async () => {
  const here = page.url();
  await page.reload();

  await expect(page.getByText('Stage 4 of 20')).toBeVisible();
  expect(page.url()).toBe(here);
  await expect(page.getByTestId('practice-name')).toHaveText(owner.practiceName);

  // Neither token is readable by page scripts: the access token is in memory, the refresh token httpOnly.
  const readable = await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }) + document.cookie);
  expect(readable).not.toMatch(/eyJ|orthoscan_refresh/);
  const cookies = await context.cookies();
  expect(cookies.find((c) => c.name === 'orthoscan_refresh')).toMatchObject({ httpOnly: true, secure: true, sameSite: 'Strict', path: '/api/v1/auth' });
});

test('the owner writes to the patient from their page; the replies from the app appear live, unread until opened', async ({}, testInfo) => {
  // The patient connects the app with a one-time code from their page, as the app does (through the API).
  await page.getByRole('button', { name: 'Invite to app' }).click();
  const code = (await page.getByTestId('invite-code').textContent())!.trim();
  await expect(page.getByTestId('invite-sent')).toContainText(/Sent by (text message|email) to/);
  // The code also went out to the patient: without a real provider it lands in the dev mailbox.
  const mailbox = await page.context().newPage();
  await mailbox.goto('/dev/mailbox/');
  await expect(mailbox.getByRole('heading', { name: 'Dev mailbox' })).toBeVisible();
  await expect
    .poll(async () => {
      await mailbox.getByRole('button', { name: 'Refresh' }).click();
      return mailbox.getByTestId('dev-letter').filter({ hasText: code }).count();
    })
    .toBe(1);
  await snap(mailbox, testInfo, 'dev-mailbox');
  await mailbox.close();
  const activated = await page.request.post('/api/v1/auth/patient/activate', { data: { code, deviceId: `e2e-device-${uniqueTag()}` } });
  expect(activated.status()).toBe(200);
  const patientToken = (await activated.json()).accessToken as string;

  await page.getByRole('link', { name: 'Message', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/messages/\\?patient=${patientId}$`));
  await expect(mainNav(page).getByRole('link', { name: 'Messages' })).toHaveAttribute('aria-current', 'page');
  await page.getByLabel('Message', { exact: true }).fill('Hello Amara, your aligners look good. Keep going!');
  await page.getByRole('button', { name: 'Send' }).click();
  const conversation = page.getByRole('list', { name: 'Messages' });
  await expect(conversation.getByRole('listitem')).toHaveCount(1);
  await expect(conversation).toContainText('Hello Amara, your aligners look good.');
  await expect(page.getByLabel('Message', { exact: true })).toHaveValue('');

  // The app's replies arrive live (the hub, no reload): into the open conversation, then as an unread badge.
  const replyFromApp = async (content: string) => {
    const reply = await page.request.post('/api/v1/messages', {
      headers: { Authorization: `Bearer ${patientToken}`, 'Idempotency-Key': `e2e-${uniqueTag()}` },
      data: { content },
    });
    expect(reply.status()).toBe(201);
  };
  const live = page.getByTestId('live-status');
  await expect(live).toHaveAttribute('data-status', 'live');
  // Shown in the open conversation, the reply is read there (the page marks it before it is left).
  const markedRead = page.waitForResponse((r) => r.request().method() === 'PATCH' && r.url().endsWith('/read'));
  await replyFromApp('Thank you!');
  await expect(conversation.getByRole('listitem')).toHaveCount(2);
  await expect(conversation.getByRole('listitem').last()).toContainText('Thank you!');
  expect((await markedRead).status()).toBe(200);

  await page.goto('/messages/');
  const list = page.getByRole('list', { name: 'Conversations' });
  await expect(list).toContainText('Thank you!');
  await expect(list.getByLabel('1 unread')).toHaveCount(0);
  await expect(live).toHaveAttribute('data-status', 'live');
  await replyFromApp('The left side feels a little tight.');
  await expect(list.getByLabel('1 unread')).toBeVisible();
  await expect(list).toContainText('The left side feels a little tight.');
  await snap(page, testInfo, 'messages-unread');
  await list.getByRole('button', { name: new RegExp(patient.firstName) }).click();
  await expect(conversation.getByRole('listitem')).toHaveCount(3);
  await expect(conversation.getByRole('listitem').last()).toContainText('The left side feels a little tight.');
  await expect(list.getByLabel('1 unread')).toHaveCount(0);
  await snap(page, testInfo, 'messages-conversation');

  await page.goto(`/patients/view/?id=${patientId}`);
  await expect(page.getByRole('heading', { name: `${patient.firstName} ${patient.lastName}`, level: 1 })).toBeVisible();
});

test("a second practice cannot find or open the first practice's patient", async ({ browser }) => {
  const other = newOwner('Meadow');
  const otherContext = await browser.newContext();
  try {
    const otherPage = await otherContext.newPage();
    await signUpPractice(otherPage, other);

    await otherPage.goto('/patients/');
    await otherPage.getByLabel('Search by name').fill(patient.lastName);
    await expect(otherPage.getByRole('heading', { name: 'No patients match' })).toBeVisible();
    await expect(otherPage.getByText(/^Nothing matches/)).toContainText(patient.lastName);

    await otherPage.goto(`/patients/view/?id=${patientId}`);
    await expect(otherPage.getByRole('heading', { name: 'Not found', exact: true })).toBeVisible();
    await expect(otherPage.getByText('The patient does not exist.')).toBeVisible();
    await expect(otherPage.getByText(patient.firstName)).toHaveCount(0);
    await expect(otherPage.getByText('Stage 4 of 20')).toHaveCount(0);
  } finally {
    await otherContext.close();
  }
});

test('a staff member invited in Settings enrols MFA and does not see owner-only settings', async ({ browser }, testInfo) => {
  const tag = uniqueTag();
  const staff: Account = { email: `staff.${tag}@e2e.orthoscan.test`, password: PASSWORD };

  await mainNav(page).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  const form = page.getByRole('form', { name: 'Invite a team member' });
  await form.getByLabel('Name').fill(`Sam Okafor ${tag}`);
  await form.getByLabel('Email').fill(staff.email);
  await form.getByLabel('Role').selectOption('staff');
  await form.getByRole('button', { name: 'Send invitation' }).click();

  const invitation = page.getByTestId('invitation');
  await expect(invitation).toContainText(`is invited as staff`);
  const code = (await invitation.locator('code').textContent())?.trim() ?? '';
  expect(code).not.toBe('');
  await expect(invitation).toContainText(`/accept-invitation/?code=${encodeURIComponent(code)}`);
  await snap(page, testInfo, 'settings');

  const staffContext = await browser.newContext();
  try {
    const staffPage = await staffContext.newPage();
    await staffPage.goto(`/accept-invitation/?code=${encodeURIComponent(code)}`);
    await expect(staffPage.getByLabel('Invitation code')).toHaveValue(code);
    await staffPage.getByLabel('New password').fill(staff.password);
    await staffPage.getByLabel('Repeat password').fill(staff.password);
    await staffPage.getByRole('button', { name: 'Set password' }).click();
    await enrolMfa(staffPage, staff);

    await expect(staffPage).toHaveURL(/\/patients\/$/);
    await expect(staffPage.getByRole('button', { name: /open user menu/ })).toContainText('Staff');
    const nav = mainNav(staffPage);
    await expect(nav.getByRole('link', { name: 'Patients' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Settings' })).toHaveCount(0);
    await expect(nav.getByRole('link', { name: 'Billing' })).toHaveCount(0);
    // Same practice: the staff member does see the owner's patient.
    await expect(staffPage.getByRole('link', { name: `${patient.lastName}, ${patient.firstName}` })).toBeVisible();

    await staffPage.goto('/settings/');
    await expect(staffPage.getByRole('heading', { name: 'Not available for your role' })).toBeVisible();
    await expect(staffPage.getByRole('form', { name: 'Invite a team member' })).toHaveCount(0);
  } finally {
    await staffContext.close();
  }
});

test('the owner sets the practice up in Settings; the data-use choices start off and say who turned one on', async ({}, testInfo) => {
  await page.goto('/settings/');
  const form = page.getByRole('form', { name: 'Practice settings' });
  const sharing = form.getByRole('checkbox', { name: /de-identified/ });
  const externalAi = form.getByRole('checkbox', { name: /external AI service/ });
  await expect(sharing).not.toBeChecked();
  await expect(externalAi).not.toBeChecked();
  await expect(form.getByTestId('share-changed')).toHaveText('Off since the practice was created.');

  await form.getByLabel('Country').fill('NZ');
  await form.getByLabel('Region or state').fill('Wellington');
  await form.getByLabel('Time zone').fill('Pacific/Auckland');
  await form.getByLabel('Billing email').fill(`accounts.${uniqueTag()}@e2e.orthoscan.test`);
  await sharing.check();
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByText(/Settings saved/)).toBeVisible();

  await page.reload();
  const reloaded = page.getByRole('form', { name: 'Practice settings' });
  await expect(reloaded.getByLabel('Country')).toHaveValue('NZ');
  await expect(reloaded.getByLabel('Time zone')).toHaveValue('Pacific/Auckland');
  await expect(reloaded.getByRole('checkbox', { name: /de-identified/ })).toBeChecked();
  await expect(reloaded.getByRole('checkbox', { name: /external AI service/ })).not.toBeChecked();
  await expect(reloaded.getByTestId('share-changed')).toContainText(`Turned on by ${owner.ownerName} on`);
  await snap(page, testInfo, 'practice-settings');
});
