import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

// One real relay serving the built client (pnpm build first), a fresh data directory per run,
// Debian's Chromium. Each test drives one browser context per partner.
const PORT = Number(process.env.SEEN_E2E_PORT ?? 41730);
const dataDir = mkdtempSync(join(tmpdir(), 'seen-e2e-'));

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  // Budgets for a busy machine (two cores shared with other work): each test proves one step of a
  // flow, reached through ../fixtures; quiet, one takes 5-20 s, and under a load average of 17 up
  // to 50 s. A single expectation waits for its event up to 15 s.
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  outputDir: './test-results',
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'phone', use: { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true } },
    { name: 'desktop', use: { viewport: { width: 1280, height: 800 } } },
  ],
  webServer: {
    command: 'node ../server/dist/main.js',
    url: `http://127.0.0.1:${PORT}/`,
    reuseExistingServer: false,
    timeout: 30_000,
    // Push: the browser here has no push service, so e2e/tests/nudges.spec.ts stands one in on
    // https://localhost/…; this relay accepts that endpoint (and, posting to it, finds nobody there).
    env: { PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', PUSH_ALLOWED_HOSTS: 'localhost', PUSH_ALLOW_PRIVATE_ADDRESSES: '1' },
  },
});
