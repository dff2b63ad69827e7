/**
 * Shared pieces of the specs against the real stack (global-setup.ts starts it): where the
 * app and the platform simulator listen, logging in through the simulator's page, one
 * browser context per person, and the checks every page must pass.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { expect, type Browser, type BrowserContextOptions, type Page, type TestInfo } from '@playwright/test'

import { expectNoHorizontalOverflow, expectNoRed } from '../e2e/support'

export const APP = () => process.env.REAL_APP_URL!
export const SIM = () => process.env.REAL_SIM_URL!

/** Poll until `probe` gives a value — bounded, no fixed sleeps (e.g. the relay delivering). */
export async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  let value: T | undefined
  await expect.poll(async () => (value = await probe()) !== undefined, { message: what, timeout: 15_000 }).toBe(true)
  return value!
}

/** Console errors other than the 401s the app gets before it sends the browser to log in. */
export function watchConsole(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 401/.test(message.text())) errors.push(message.text())
  })
  page.on('pageerror', (error) => errors.push(String(error)))
  return errors
}

/** A fresh browser context with the project's device, for one person. */
export async function newPerson(browser: Browser, testInfo: TestInfo): Promise<{ page: Page; errors: string[] }> {
  const { viewport, userAgent, isMobile, hasTouch, deviceScaleFactor, locale } = testInfo.project.use
  const options: BrowserContextOptions = { viewport, userAgent, isMobile, hasTouch, deviceScaleFactor, locale }
  const page = await (await browser.newContext(options)).newPage()
  return { page, errors: watchConsole(page) }
}

/**
 * Open `url` of the app in a new person's browser; the app sends us to the platform's login
 * page; pick `userid`; close the first-use guide, which a new browser always gets.
 */
export async function loginAndOpen(page: Page, url: string, userid: string): Promise<void> {
  await page.goto(url)
  await page.waitForURL((current) => current.href.startsWith(SIM()))
  await page.getByTestId(`sim-user-${userid}`).click()
  await page.waitForURL((current) => current.href.startsWith(APP()))
  // Waited for, not peeked at: the guide's code loads after the app mounts, later on a busy
  // machine, and a guide that opens after the spec moved on covers what it clicks next.
  await page.getByTestId('guide-dismiss').click()
  await expect(page.getByTestId('guide-dismiss')).toHaveCount(0)
}

export async function checkPage(page: Page): Promise<void> {
  await expectNoRed(page)
  await expectNoHorizontalOverflow(page)
  // §6.3.6 e: at most 5 levels; the route says how deep we are.
  const depth = new URL(page.url()).hash.split('/').filter(Boolean).length - 1
  expect(depth).toBeLessThanOrEqual(5)
}

/** From now on, record console errors (CSP violations included) and the page's API requests. */
export async function watchRequests(page: Page): Promise<{ problems: string[]; apiCalls: string[] }> {
  const problems = watchConsole(page)
  await page.addInitScript(() =>
    document.addEventListener('securitypolicyviolation', (event) =>
      console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`),
    ),
  )
  const apiCalls: string[] = []
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (url.pathname.startsWith('/api/')) apiCalls.push(`${url.pathname}${url.search}`)
  })
  return { problems, apiCalls }
}

// weixin-js-sdk is jweixin 1.6 wrapped for CommonJS: give it a module and publish window.wx.
export const JWEIXIN_16 =
  'var module = { exports: {} };\n' +
  readFileSync(fileURLToPath(new URL('../../node_modules/weixin-js-sdk/index.js', import.meta.url)), 'utf8') +
  '\nwindow.wx = window.jWeixin = module.exports;'

/** In the simulated client's contact picker, choose `userid` and confirm. */
export async function pickContact(page: Page, userid: string): Promise<void> {
  await page.getByTestId(`sim-contact-${userid}`).click()
  await page.getByTestId('sim-contact-confirm').click()
}
