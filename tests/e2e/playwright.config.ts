import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { fakeCameraVideo } from './support/fake-camera';

const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Debian's Chromium: Playwright's own browser download is not available on our machines.
export default defineConfig({
  testDir: './specs',
  outputDir: process.env.E2E_OUTPUT_DIR ?? '../../.local/test-results/e2e',
  timeout: 90_000,
  // Generous: the first spec meets a cold API on a busy 2-core machine (sign-up hashes with Argon2id).
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: process.env.E2E_REPORT ?? '../../.local/test-results/e2e-report.json' }]],
  use: {
    baseURL: process.env.E2E_BASE_URL ?? 'http://127.0.0.1:5090',
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs },
  },
  projects: [
    { name: 'dashboard', testIgnore: /patient-app/ },
    {
      // The patient app on a phone-sized screen, with a camera that plays a file of distinct, sharp frames.
      name: 'patient-app',
      testMatch: /patient-app/,
      use: {
        viewport: { width: 412, height: 860 },
        permissions: ['camera'],
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
          args: [
            ...chromiumArgs,
            '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream',
            `--use-file-for-fake-video-capture=${fakeCameraVideo(join(tmpdir(), 'orthoscan-e2e-camera-v3.y4m'))}`,
          ],
        },
      },
    },
  ],
});
