/**
 * 工作台 against the real backend: a logged-in user's index.html carries the first screen's
 * data (src/api/firstScreen.ts, frontend.py) — the user, the unread count and each
 * feature's panel — so it shows with no API round trip, and the data block runs nothing
 * under the production CSP (script-src 'self').
 */
import { expect, test } from '@playwright/test'

import { APP, loginAndOpen, watchRequests } from './support'

test('the landing page comes with its data and runs nothing from it', async ({ page }, testInfo) => {
  const [userid, name] = testInfo.project.name === 'phone-client' ? ['zhaolei', '赵磊'] : ['sunli', '孙丽']
  await loginAndOpen(page, `${APP()}/`, userid)
  await expect(page.getByTestId('home-view')).toBeVisible()

  const { problems, apiCalls } = await watchRequests(page)

  const answer = await page.goto(`${APP()}/`)
  expect(answer?.headers()['cache-control']).toBe('no-store')
  await expect(page.getByTestId('greeting')).toHaveText(`${name}，您好`)
  await expect(page.getByTestId('tabbar')).toBeVisible()
  await expect(page.locator('script#first-screen')).toHaveCount(1)
  await page.waitForLoadState('networkidle')
  expect(apiCalls).toEqual([])
  expect(problems, 'console errors or CSP violations').toEqual([])
})

test('opened at another page, the server-drawn 工作台 never shows', async ({ page }, testInfo) => {
  // The server cannot see the #route (a platform todo's link, a message's): the page empties
  // the drawn 工作台 before its first paint, and the app draws the page asked for.
  const userid = testInfo.project.name === 'phone-client' ? 'zhaolei' : 'sunli'
  await loginAndOpen(page, `${APP()}/`, userid)
  await expect(page.getByTestId('home-view')).toBeVisible()
  let release = () => {}
  const released = new Promise<void>((resolve) => (release = resolve))
  await page.route('**/assets/*.js', async (route) => {
    await released
    await route.continue()
  })
  await page.goto('about:blank') // a new page load, not a hash change
  await page.goto(`${APP()}/#/messages`, { waitUntil: 'domcontentloaded' })
  await expect(page.locator('#app')).toBeEmpty()
  await expect(page.getByTestId('greeting')).toHaveCount(0)
  release()
  await expect(page.getByTestId('tab-messages')).toHaveAttribute('aria-current', 'page')
  await expect(page.getByTestId('home-view')).toHaveCount(0)

  // At 工作台 itself the drawn first screen is there before any script.
  await page.unrouteAll()
  let releaseAgain = () => {}
  const releasedAgain = new Promise<void>((resolve) => (releaseAgain = resolve))
  await page.route('**/assets/*.js', async (route) => {
    await releasedAgain
    await route.continue()
  })
  await page.goto('about:blank')
  await page.goto(`${APP()}/#/`, { waitUntil: 'domcontentloaded' })
  await expect(page.getByTestId('greeting')).toBeVisible()
  releaseAgain()
})

test('with 特大 or 长辈版 kept in the browser, the drawn page has them before any script', async ({ page }, testInfo) => {
  // The server cannot see the reader's text settings (localStorage): the page's loader applies
  // 特大 before the first paint, so the app's take-over keeps the size; 长辈版's 工作台 is another
  // layout, so the drawn one is emptied and the app draws it.
  const userid = testInfo.project.name === 'phone-client' ? 'zhaolei' : 'sunli'
  await loginAndOpen(page, `${APP()}/`, userid)
  await expect(page.getByTestId('home-view')).toBeVisible()
  // The scripts are held until release(): what shows meanwhile is the server's page alone.
  let release = () => {}
  let gate = Promise.resolve()
  await page.route('**/assets/*.js', async (route) => {
    await gate
    await route.continue()
  })
  const openWith = async (settings: { size: string; elder: boolean }) => {
    gate = new Promise<void>((resolve) => (release = resolve))
    await page.evaluate((value) => localStorage.setItem('ywxt.text-settings.v1', value), JSON.stringify(settings))
    await page.goto('about:blank')
    await page.goto(`${APP()}/`, { waitUntil: 'domcontentloaded' })
  }

  await openWith({ size: 'xlarge', elder: false })
  await expect(page.getByTestId('greeting')).toBeVisible()
  await expect(page.locator('html')).toHaveClass(/\btext-xlarge\b/)
  const drawn = await page.getByTestId('greeting').evaluate((element) => getComputedStyle(element).fontSize)
  release()
  await expect(page.locator('#app[data-v-app]')).toBeAttached() // the app has taken over
  await page.waitForLoadState('networkidle')
  expect(await page.getByTestId('greeting').evaluate((element) => getComputedStyle(element).fontSize)).toBe(drawn)

  await openWith({ size: 'standard', elder: true })
  await expect(page.locator('html')).toHaveClass(/\belder\b/)
  await expect(page.locator('#app')).toBeEmpty()
  release()
  await expect(page.getByTestId('home-view')).toBeVisible()
  await page.evaluate(() => localStorage.removeItem('ywxt.text-settings.v1'))
})
