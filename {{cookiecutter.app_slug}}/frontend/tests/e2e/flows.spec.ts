import { expectNoAxeViolations } from './axe'
import { expect, expectNoRed, measureToast, openApp, test, TOAST_LIMIT_MS } from './support'

test.describe('消息', () => {
  test('marks a message read when it is opened and goes to the page it links to', async ({ page, api }) => {
    await openApp(page, '/messages', 'messages-view')
    await expect(page.getByTestId('unread-summary')).toHaveText('2 条未读')
    await page.getByTestId('message-31').click() // links to /#/me
    await expect(page.getByTestId('profile-view')).toBeVisible()
    expect(api.requestsTo('POST', '/api/messages/31/read')).toHaveLength(1)

    await page.goBack()
    await expect(page.getByTestId('unread-summary')).toHaveText('1 条未读')
    await expect(page.getByTestId('unread-badge')).toHaveText('1')
  })

  test('加载更多 brings older messages by keyboard, focused on the first of them', async ({ page, api }) => {
    const [template] = api.data.messages
    for (let n = 1; n <= 25; n++) api.data.messages.push({ ...template, id: 30 - n - 1, title: `较早的消息 ${n}` })
    await openApp(page, '/messages', 'messages-view')
    await expect(page.getByTestId('unread-summary')).toHaveText('27 条未读')
    const shown = page.getByTestId('message-list').locator('[data-testid^="message-"]')
    await expect(shown).toHaveCount(20)
    await expectNoAxeViolations(page, '消息 with 加载更多')
    await page.getByTestId('messages-more').focus()
    await page.keyboard.press('Enter')
    await expect(shown).toHaveCount(api.data.messages.length)
    await expect(page.getByTestId('messages-more')).toHaveCount(0)
    const firstNew = await shown.nth(20).getAttribute('data-testid')
    await expect(page.getByTestId(firstNew ?? '')).toBeFocused()
    await expect(page.getByTestId('announcer')).toContainText('没有更多了')
    // The oldest one can be opened and read like the newest.
    await page.getByTestId('message-4').click()
    await expect.poll(() => api.requestsTo('POST', '/api/messages/4/read').length).toBe(1)
  })
})

test.describe('我的', () => {
  test('shows masked contact details exactly as the server sent them', async ({ page }) => {
    await openApp(page, '/me', 'profile-view')
    await expect(page.getByTestId('masked-mobile')).toHaveText('138****5678')
    await expect(page.getByTestId('masked-email')).toHaveText('z***@example.gov.cn')
    await expect(page.getByTestId('masked-address')).toHaveText('上海市黄浦区****')
    await expect(page.getByTestId('private-info').locator('input, textarea')).toHaveCount(0)
    // Only the first-use flag may live in browser storage.
    const stored = await page.evaluate(() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)])
    expect(stored).toEqual(['ywxt.first-use-guide.v1'])
  })

  test('explains the consent, then goes to the platform’s consent page', async ({ page, api }) => {
    api.data.profile = { ...api.data.profile, sensitive: null, consent: { granted: false, granted_at: null } }
    await page.route('**/_e2e/authorize**', (route) =>
      route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>授权</title><p>授权页</p>' }),
    )
    await openApp(page, '/me', 'profile-view')
    await expect(page.getByTestId('consent-explainer')).toContainText('仅用于办理工作时联系您')
    await expect(page.getByTestId('masked-mobile')).toHaveCount(0)

    await page.getByTestId('grant-consent-button').click()
    await page.waitForURL(/\/_e2e\/authorize\?scope=snsapi_privateinfo$/)
    const [request] = api.requestsTo('POST', '/api/consent')
    expect(request.headers['x-csrf-token']).toBe('csrf-e2e-token')
  })

  test('withdraws the consent after confirmation', async ({ page, api }) => {
    await openApp(page, '/me', 'profile-view')
    await page.getByTestId('withdraw-consent-button').click()
    const toast = await measureToast(page, () =>
      page.locator('.van-dialog').getByRole('button', { name: '确认撤回' }).click(),
    )
    expect(toast.text).toBe('已撤回授权')
    expect(toast.ms).toBeLessThanOrEqual(TOAST_LIMIT_MS)
    await expect(page.getByTestId('consent-explainer')).toBeVisible()
    expect(api.requestsTo('DELETE', '/api/consent')).toHaveLength(1)
  })
})

test.describe('first visit', () => {
  test.use({ firstVisit: true })

  test('shows the guide once, and again on request from 我的', async ({ page }) => {
    await page.goto('/#/')
    const guide = page.getByTestId('first-use-guide')
    await expect(guide).toContainText('欢迎使用协同办公')
    await expectNoRed(page)
    await page.getByTestId('guide-dismiss').click()
    await expect(guide).toHaveCount(0)
    expect(await page.evaluate(() => localStorage.getItem('ywxt.first-use-guide.v1'))).toBe('dismissed')

    await page.reload()
    await expect(page.getByTestId('greeting')).toHaveText('张三，您好')
    await expect(guide).toHaveCount(0)

    await page.getByTestId('tab-profile').click()
    await page.getByTestId('open-guide-button').click()
    await expect(guide).toBeVisible()
  })
})
