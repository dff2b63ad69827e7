/**
 * 事项 on 工作台 against the real backend: the todo list comes with a logged-in user's
 * index.html (the backend's first-screen block), so it shows with no API round trip.
 */
import { expect, test } from '@playwright/test'

import { APP, loginAndOpen, watchRequests } from '../../../../../tests/real/support'

test('the landing page comes with its list and runs nothing from it', async ({ page }, testInfo) => {
  const [userid, name] = testInfo.project.name === 'phone-client' ? ['zhaolei', '赵磊'] : ['sunli', '孙丽']
  await loginAndOpen(page, `${APP()}/`, userid)
  await expect(page.getByTestId('home-view')).toBeVisible()
  const me = (await (await page.request.get(`${APP()}/api/me`)).json()) as { csrf_token: string }
  const title = `首屏数据核对${Date.now() % 100000}`
  const created = await page.request.post(`${APP()}/api/items`, {
    headers: { 'X-CSRF-Token': me.csrf_token },
    data: { title, assignee_userid: userid },
  })
  expect(created.status()).toBe(201)

  const { problems, apiCalls } = await watchRequests(page)

  const answer = await page.goto(`${APP()}/`)
  expect(answer?.headers()['cache-control']).toBe('no-store')
  await expect(page.getByTestId('item-list-todo')).toContainText(title)
  await expect(page.getByTestId('greeting')).toHaveText(`${name}，您好`)
  await expect(page.locator('script#first-screen')).toHaveCount(1)
  expect(apiCalls).toEqual([])
  expect(problems, 'console errors or CSP violations').toEqual([])
})
