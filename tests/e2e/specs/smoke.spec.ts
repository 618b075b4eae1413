import { expect, test } from '@playwright/test';

test('an unknown visitor lands on the sign-in page served by the API', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin\/?/);
  await expect(page.getByLabel('Email')).toBeVisible();
  await expect(page.getByLabel('Password')).toBeVisible();
});

test('a dashboard path without its trailing slash still opens the page', async ({ page }) => {
  const response = await page.goto('/signup');
  expect(response?.status()).toBe(200);
  await expect(page).toHaveURL(/\/signup\/$/);
  await expect(page.getByLabel('Practice name')).toBeVisible();
});

test('an unknown page shows the dashboard 404 with status 404', async ({ page }) => {
  const response = await page.goto('/no-such-page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
});

test('sections without working screens have no page: their paths show the 404 too', async ({ page }) => {
  for (const path of ['/platform-billing/', '/admin/']) {
    const response = await page.goto(path);
    expect(response?.status(), path).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  }
});
