import { defineConfig } from '@playwright/test';

// Same browser set-up as tests/e2e: Debian's Chromium, headless. One worker: the numbers must not compete.
export default defineConfig({
  testDir: '.',
  testMatch: 'review-latency.spec.ts',
  outputDir: process.env.LATENCY_OUTPUT_DIR ?? '../../../.local/review-latency',
  timeout: 600_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL: process.env.LATENCY_BASE_URL ?? 'http://127.0.0.1:5082',
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ],
    },
  },
});
