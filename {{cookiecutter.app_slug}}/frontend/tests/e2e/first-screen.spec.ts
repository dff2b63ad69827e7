/**
 * 工作台 from the data a logged-in user's index.html carries (src/api/firstScreen.ts): the
 * first screen needs no API round trip, the block breaks nothing under the strict CSP, and
 * everything after the first screen comes from the server as before. (Each feature's panel
 * has its answers in the block too: `api.firstScreen()`; its own specs check them.)
 */
import { expect, ME, openApp, test } from './support'

test.use({ firstScreen: true })

test.beforeEach(async ({ page }) => {
  // Any CSP violation (an inline script run, say) is recorded here; none is expected.
  await page.addInitScript(() => {
    const violations: string[] = ((window as unknown as { __cspViolations: string[] }).__cspViolations = [])
    document.addEventListener('securitypolicyviolation', (event) =>
      violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    )
  })
})

test('shows 工作台, the greeting and the unread count with no API request', async ({ page, api }) => {
  await openApp(page, '/', 'home-view')
  await expect(page.getByTestId('greeting')).toHaveText(`${ME.name}，您好`)
  await expect(page.getByTestId('unread-badge')).toHaveText('2')
  expect(api.requests.map((request) => request.path)).toEqual([])
  expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([])
})

test('asks the server when 消息 is opened after the first screen', async ({ page, api }) => {
  await openApp(page, '/', 'home-view')
  await expect(page.getByTestId('unread-badge')).toHaveText('2')
  await page.getByTestId('tab-messages').click()
  await expect(page.getByTestId('message-list')).toBeVisible()
  await expect.poll(() => api.requestsTo('GET', '/api/messages').length).toBe(1)
})

test('a change is sent with the CSRF token the page carried', async ({ page, api }) => {
  await openApp(page, '/', 'home-view')
  await expect(page.getByTestId('greeting')).toHaveText(`${ME.name}，您好`)
  await page.getByTestId('tab-profile').click()
  await page.getByTestId('withdraw-consent-button').click()
  await page.locator('.van-dialog').getByRole('button', { name: '确认撤回' }).click()
  await expect(page.getByTestId('consent-explainer')).toBeVisible()
  const [request] = api.requestsTo('DELETE', '/api/consent')
  expect(request.headers['x-csrf-token']).toBe(ME.csrf_token)
  expect(api.requestsTo('GET', '/api/me')).toHaveLength(0)
})
