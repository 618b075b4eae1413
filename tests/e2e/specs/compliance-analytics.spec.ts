import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { mainNav, newOwner, signUpPractice, snap, uniqueTag } from '../support/flows';

/*
 * A new practice's compliance and analytics screens: one active patient with no scans yet is due (never blank),
 * and analytics draw their charts with 0s beside them. Serial: each test continues in the owner's browser.
 */
test.describe.configure({ mode: 'serial' });

const owner = newOwner('Tidewater');
const patient = { firstName: 'Noor', lastName: `Haddad ${uniqueTag()}` };
const fullName = `${patient.firstName} ${patient.lastName}`;

let context: BrowserContext;
let page: Page;

test.beforeAll(async ({ browser }) => {
  context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
});

test.afterEach(async ({}, testInfo) => {
  if (testInfo.status !== testInfo.expectedStatus) await snap(page, testInfo, 'failure');
});

test.afterAll(async () => {
  await context.close();
});

test('a new practice adds an active weekly patient, whose empty scan timeline says what will appear', async ({}, testInfo) => {
  await signUpPractice(page, owner);

  await page.goto('/patients/new/');
  await page.getByLabel('First name').fill(patient.firstName);
  await page.getByLabel('Last name').fill(patient.lastName);
  await page.getByLabel('Date of birth').fill('2010-06-02');
  await page.getByLabel('Scan frequency').selectOption('weekly');
  await page.getByLabel('Current stage').fill('5');
  await page.getByLabel('Total stages').fill('24');
  await page.getByLabel('Email', { exact: true }).fill(`noor.${uniqueTag()}@example.com`);
  await page.getByRole('button', { name: 'Add patient' }).click();
  await expect(page).toHaveURL(/\/patients\/view\/\?id=[0-9a-f-]{36}&created=1$/);

  // New patients start as invited; compliance follows active and paused patients.
  await page.getByRole('link', { name: 'Edit', exact: true }).click();
  await page.getByLabel('Status', { exact: true }).selectOption('active');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('status')).toHaveText('Changes saved.');

  const timeline = page.getByRole('region', { name: 'Scan timeline' });
  await expect(timeline.getByText('No scans yet')).toBeVisible();
  await expect(timeline).toContainText(`as ${patient.firstName} sends them from the app`);
  await snap(page, testInfo, 'patient-detail-timeline');
});

test('compliance lists the patient as due, sorts, filters, and links to the patient', async ({}, testInfo) => {
  await mainNav(page).getByRole('link', { name: 'Compliance' }).click();
  await expect(page).toHaveURL(/\/compliance\/$/);
  await expect(page.getByRole('heading', { name: 'Compliance', level: 1 })).toBeVisible();

  const row = page.getByTestId('compliance-row').filter({ hasText: fullName });
  await expect(row).toHaveCount(1);
  // Enrolled today on a weekly schedule: due in 7 days (6 when the patient's time zone is already tomorrow).
  await expect(row.getByTestId('due-label')).toHaveText(/^Due in [67] days$/);
  await expect(row).toContainText('No reviews yet');
  await expect(row).toContainText('Never');
  await expect(row.getByRole('cell').nth(2)).toHaveText('0');
  const summary = page.getByLabel('Summary');
  await expect(summary).toContainText(/Overdue\s*0/);
  await expect(summary).toContainText(/Missed scans\s*0/);
  await expect(page.getByText('1 patient', { exact: true })).toBeVisible();
  await snap(page, testInfo, 'compliance');

  await page.getByRole('button', { name: /Patient/ }).click();
  await expect(page.getByRole('columnheader', { name: /Patient/ })).toHaveAttribute('aria-sort', 'ascending');

  await page.getByLabel('Search by name').fill('nobody-by-this-name');
  await expect(page.getByRole('heading', { name: 'No patients match' })).toBeVisible();
  await page.getByLabel('Search by name').fill(patient.lastName.split(' ')[1]);
  await expect(row).toHaveCount(1);
  await page.getByLabel('Search by name').fill('');

  await page.getByLabel('Overdue only').check();
  await expect(page.getByRole('heading', { name: 'Nobody is overdue' })).toBeVisible();
  await snap(page, testInfo, 'compliance-overdue-only');
  await page.getByRole('button', { name: 'Show everyone' }).click();

  await row.getByRole('link', { name: fullName }).click();
  await expect(page).toHaveURL(/\/patients\/view\/\?id=[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: fullName, level: 1 })).toBeVisible();
});

test('analytics draw their charts and show 0s for a practice with no scans yet', async ({}, testInfo) => {
  await mainNav(page).getByRole('link', { name: 'Analytics' }).click();
  await expect(page).toHaveURL(/\/analytics\/$/);
  await expect(page.getByRole('heading', { name: 'Analytics', level: 1 })).toBeVisible();

  await expect(page.getByTestId('figure-received')).toHaveText('0');
  await expect(page.getByTestId('figure-reviewed')).toHaveText('0');
  await expect(page.getByTestId('figure-tagging-rate')).toHaveText(/^(0%|—)$/);
  await expect(page.getByLabel('12 weeks')).toBeChecked();

  const weekly = page.getByTestId('numbers-weekly').locator('tbody tr');
  expect(await weekly.count()).toBeGreaterThanOrEqual(12);
  for (const cells of await weekly.evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent)))) {
    expect(cells).toEqual(['0', '0']);
  }
  await expect(page.getByTestId('chart-weekly').locator('svg.recharts-surface').first()).toBeVisible();
  await expect(page.getByTestId('chart-weekly').locator('.recharts-cartesian-axis-tick-value')).not.toHaveCount(0);
  for (const attribute of ['overall_tracking', 'aligner_fit', 'oral_hygiene']) {
    await expect(page.getByTestId(`chart-score-${attribute}`).locator('svg.recharts-surface').first()).toBeVisible();
    const counts = await page.getByTestId(`numbers-score-${attribute}`).locator('tbody tr td:nth-of-type(1)').allTextContents();
    expect(counts.length).toBeGreaterThanOrEqual(3);
    expect(new Set(counts)).toEqual(new Set(['0']));
  }

  // The owner also sees tag analytics: no reviews yet, agreement rows with 0 pairs.
  await expect(page.getByTestId('tag-sets')).toHaveText('0 reviews');
  const agreement = page.getByTestId('numbers-agreement').locator('tbody tr');
  await expect(agreement).toHaveCount(3);
  await expect(agreement.first()).toContainText('0');
  await snap(page, testInfo, 'analytics');

  await page.getByLabel('4 weeks').check();
  await expect(page.getByLabel('4 weeks')).toBeChecked();
  // Four or five week rows once the new range has loaded (the table is empty while it loads).
  await expect.poll(async () => { const rows = await weekly.count(); return rows >= 4 && rows <= 5; }).toBe(true);
  await expect(page.getByTestId('figure-received')).toHaveText('0');
  await snap(page, testInfo, 'analytics-4-weeks');
});
