import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { defineConfig } from '@playwright/test'

import { FIXED_800_CONFIG, type AppOptions } from './tests/e2e/support'

const HERE = fileURLToPath(new URL('.', import.meta.url))

if (!existsSync(`${HERE}dist/index.html`)) {
  throw new Error('dist/ is missing: run `npm run build` before `npm run test:e2e`.')
}

/** A free port, chosen once: workers inherit it through the environment. */
function freePort(): string {
  const script =
    "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"
  return execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })
}
process.env.E2E_PORT ||= freePort()
const BASE_URL = `http://127.0.0.1:${process.env.E2E_PORT}`

export default defineConfig<AppOptions>({
  // The core's specs (tests/e2e/) and each feature's own (src/features/<name>/tests/e2e/).
  testDir: '.',
  testMatch: ['tests/e2e/**/*.spec.ts', 'src/features/*/tests/e2e/**/*.spec.ts'],
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: process.env.CI ? 2 : undefined,
  reporter: [['list']],
  use: {
    baseURL: BASE_URL,
    browserName: 'chromium',
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    // Debian's Chromium: never `npx playwright install` (it cannot download here or in CI).
    launchOptions: {
      executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
      args: ['--no-sandbox'],
    },
    trace: 'off',
  },
  projects: [
    {
      name: 'phone',
      use: { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true },
    },
    {
      // The PC client opens the app in a window of the registered fixed width.
      name: 'pc',
      use: { viewport: { width: 800, height: 720 }, appConfig: FIXED_800_CONFIG },
    },
  ],
  // The built app under the CSP it must live with (vite.config.ts preview.headers).
  webServer: {
    command: `npx vite preview --host 127.0.0.1 --port ${process.env.E2E_PORT} --strictPort`,
    url: `${BASE_URL}/`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: 'ignore',
  },
})
