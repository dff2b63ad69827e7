import { defineConfig } from '@playwright/test'

import { REAL_STACK_USE } from './playwright.real.config'
import { DEVICES } from './tests/walkthrough/devices'

/**
 * `make walkthrough` (DB31DSJ/Z 003 §6.2.5 走查, §6.2.6 兼容性测试): the whole app for real —
 * backend, platform simulator, outbox relay and the built front end, started by
 * tests/real/global-setup.ts — plus a stand-in web portal on another loopback origin that
 * frames the app. Every device profile walks every page and each feature's flow; the teardown
 * writes the screenshot gallery ../walkthrough/index.html and ../walkthrough/failures.json.
 */
export default defineConfig({
  // The core's walk (tests/walkthrough/) first, then each feature's (src/features/<name>/tests/walkthrough/).
  testDir: '.',
  testMatch: ['tests/walkthrough/*.spec.ts', 'src/features/*/tests/walkthrough/*.spec.ts'],
  globalSetup: './tests/walkthrough/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  timeout: 180_000,
  use: REAL_STACK_USE,
  projects: DEVICES.map((device) => ({ name: device.id, use: device.use })),
})
