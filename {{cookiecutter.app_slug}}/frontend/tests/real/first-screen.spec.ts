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
