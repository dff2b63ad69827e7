/**
 * 工作台 against the real backend: a logged-in user's index.html carries the first screen's
 * data (src/api/firstScreen.ts, frontend.py), so the list shows with no API round trip, and
 * the data block runs nothing under the production CSP (script-src 'self').
 */
import { expect, test, type Page } from '@playwright/test'

const APP = () => process.env.REAL_APP_URL!
const SIM = () => process.env.REAL_SIM_URL!

async function login(page: Page, userid: string): Promise<void> {
  await page.goto(`${APP()}/`)
  await page.waitForURL((current) => current.href.startsWith(SIM()))
  await page.getByTestId(`sim-user-${userid}`).click()
  await page.waitForURL((current) => current.href.startsWith(APP()))
  await expect(page.getByTestId('home-view')).toBeVisible()
}

test('the landing page comes with its list and runs nothing from it', async ({ page }, testInfo) => {
  const [userid, name] = testInfo.project.name === 'phone-client' ? ['zhaolei', '赵磊'] : ['sunli', '孙丽']
  await login(page, userid)
  const me = (await (await page.request.get(`${APP()}/api/me`)).json()) as { csrf_token: string }
  const title = `首屏数据核对${Date.now() % 100000}`
  const created = await page.request.post(`${APP()}/api/items`, {
    headers: { 'X-CSRF-Token': me.csrf_token },
    data: { title, assignee_userid: userid },
  })
  expect(created.status()).toBe(201)

  const problems: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text())
  })
  page.on('pageerror', (error) => problems.push(String(error)))
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

  const answer = await page.goto(`${APP()}/`)
  expect(answer?.headers()['cache-control']).toBe('no-store')
  await expect(page.getByTestId('item-list-todo')).toContainText(title)
  await expect(page.getByTestId('greeting')).toHaveText(`${name}，您好`)
  await expect(page.locator('script#first-screen')).toHaveCount(1)
  expect(apiCalls).toEqual([])
  expect(problems, 'console errors or CSP violations').toEqual([])
})
