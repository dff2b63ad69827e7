/**
 * The core against the real backend and the platform simulator (DB31DSJ/Z 003 §6.2.4 b;
 * §6.3.3; Appendix D): log in through the platform's page, then every tab — 工作台, 消息,
 * 我的 — and a page that does not exist. Every page is checked for red, horizontal overflow
 * and console errors (CSP violations). A feature's own flow is in its slice
 * (src/features/<name>/tests/real/).
 */
import { expect, test } from '@playwright/test'

import { APP, checkPage, loginAndOpen, newPerson, SIM } from './support'

test('a colleague logs in through the platform and visits every tab', async ({ browser }, testInfo) => {
  const [userid, name] = testInfo.project.name === 'phone-client' ? ['zhaolei', '赵磊'] : ['sunli', '孙丽']
  const person = await newPerson(browser, testInfo)
  const { page } = person

  await loginAndOpen(page, `${APP()}/#/messages`, userid)
  // Back on the page asked for, after the platform's login.
  await expect(page.getByTestId('messages-view')).toBeVisible()
  await expect(page.getByTestId('unread-summary')).toBeVisible()
  await checkPage(page)

  await page.getByTestId('tab-home').click()
  await expect(page.getByTestId('greeting')).toHaveText(`${name}，您好`)
  await checkPage(page)

  await page.getByTestId('tab-profile').click()
  await expect(page.getByTestId('profile-view')).toBeVisible()
  await expect(page.getByTestId('profile-name')).toHaveText(name)
  await checkPage(page)

  // A page of the app that does not exist: a friendly page with the way back.
  await page.goto(`${APP()}/#/no-such-page`)
  await expect(page.getByTestId('not-found-view')).toBeVisible()
  await page.getByTestId('go-home-button').click()
  await expect(page.getByTestId('home-view')).toBeVisible()

  expect(page.url().startsWith(SIM()), 'stayed in the app').toBe(false)
  expect(person.errors, 'console errors or CSP violations').toEqual([])
})
