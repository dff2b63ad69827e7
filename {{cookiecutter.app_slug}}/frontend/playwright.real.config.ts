import { defineConfig, type PlaywrightTestOptions, type PlaywrightWorkerOptions } from '@playwright/test'

/** Browser settings shared with the walkthrough: Debian's Chromium, never `npx playwright install`. */
export const REAL_STACK_USE: Partial<PlaywrightTestOptions & PlaywrightWorkerOptions> = {
  browserName: 'chromium',
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
  launchOptions: {
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-background-networking'],
  },
  trace: 'off',
}

/**
 * The whole app for real: the built front end served by the Flask backend under its
 * production CSP, the platform simulator, the outbox relay — started by global-setup.ts
 * from the app's own virtualenv (`make test` runs this after `npm run build`).
 */
export default defineConfig({
  // The core's specs (tests/real/) and each feature's own (src/features/<name>/tests/real/).
  testDir: '.',
  testMatch: ['tests/real/**/*.spec.ts', 'src/features/*/tests/real/**/*.spec.ts'],
  globalSetup: './tests/real/global-setup.ts',
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: [['list']],
  timeout: 60_000,
  use: REAL_STACK_USE,
  projects: [
    {
      // Inside the platform's mobile client: OAuth login, the JS-SDK shim's contact picker.
      name: 'phone-client',
      use: {
        viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
        userAgent:
          'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
          'Mobile/15E148 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh',
      },
    },
    {
      // A plain desktop browser (网页端): web login, the contact list from /api/contacts.
      name: 'pc-browser',
      use: { viewport: { width: 1280, height: 800 } },
    },
  ],
})
