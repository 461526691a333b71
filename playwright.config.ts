import { defineConfig } from '@playwright/test';

// One Chromium at a time (2-core machines); the devnet and the demo dApp servers are started once
// by the global setup, and the extension is the build `npm test` made in .output/e2e.
export default defineConfig({
  testDir: './test/e2e',
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: [['list']],
  outputDir: 'test-results/e2e',
  globalSetup: './test/e2e/global-setup.ts',
});
