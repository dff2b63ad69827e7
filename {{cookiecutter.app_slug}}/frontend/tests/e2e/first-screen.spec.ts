/**
 * 工作台 from the data a logged-in user's index.html carries (src/api/firstScreen.ts): the
 * first screen needs no API round trip, the block breaks nothing under the strict CSP, and
 * everything after the first screen comes from the server as before.
 */
import { defaultItems, expect, ME, MESSAGES, openApp, test } from './support'

// What the mocked API would answer (support.ts), as the backend embeds it.
const TODO = defaultItems().filter((item) => item.assignee.userid === ME.userid)
const FIRST_SCREEN = {
  '/api/me': ME,
  '/api/items?box=todo': { items: TODO },
  '/api/messages': { messages: MESSAGES, unread: MESSAGES.filter((message) => !message.read).length },
}

test.use({ firstScreen: FIRST_SCREEN })

test.beforeEach(async ({ page }) => {
  // Any CSP violation (an inline script run, say) is recorded here; none is expected.
  await page.addInitScript(() => {
    const violations: string[] = ((window as unknown as { __cspViolations: string[] }).__cspViolations = [])
    document.addEventListener('securitypolicyviolation', (event) =>
      violations.push(`${event.violatedDirective} ${event.blockedURI}`),
    )
  })
})

test('shows the list, greeting and unread count with no API request', async ({ page, api }) => {
  await openApp(page, '/', 'home-view')
  await expect(page.getByTestId('item-list-todo').locator('[data-testid^="item-card-"]')).toHaveCount(TODO.length)
  await expect(page.getByTestId('greeting')).toHaveText(`${ME.name}，您好`)
  await expect(page.getByTestId('unread-badge')).toHaveText('2')
  await expect(page.getByTestId('items-skeleton')).toHaveCount(0)
  expect(api.requests.map((request) => request.path)).toEqual([])
  expect(await page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations)).toEqual([])
})

test('asks the server when 工作台 is opened again', async ({ page, api }) => {
  await openApp(page, '/', 'home-view')
  await page.getByTestId('tab-messages').click()
  await expect(page.getByTestId('messages-view')).toBeVisible()
  await page.getByTestId('tab-home').click()
  await expect(page.getByTestId('item-list-todo')).toBeVisible()
  await expect.poll(() => api.requestsTo('GET', '/api/items').length).toBe(1)
  expect(api.requestsTo('GET', '/api/messages')).toHaveLength(1) // the messages page's own load
})

test('a change is sent with the CSRF token the page carried', async ({ page, api }) => {
  await openApp(page, '/', 'home-view')
  await page.getByTestId('item-card-7').click()
  await page.getByTestId('complete-button').click()
  await page.locator('.van-dialog').getByRole('button', { name: '确认办结' }).click()
  await expect(page.getByTestId('item-status')).toHaveText('已办结')
  const [request] = api.requestsTo('POST', '/api/items/7/complete')
  expect(request.headers['x-csrf-token']).toBe(ME.csrf_token)
  expect(api.requestsTo('GET', '/api/me')).toHaveLength(0)
})
