import { expect, expectNoRed, openApp, settled, test } from './support'

// DB31DSJ/Z 003 §6.3.3 c: when the server cannot answer, say so kindly and offer 重试.

test('a server failure shows a friendly page, and 重试 recovers', async ({ page, api, allowConsoleErrors }) => {
  allowConsoleErrors(/status of 503/)
  let failing = true
  api.on('GET', /^\/api\/messages$/, () =>
    failing
      ? { status: 503, body: { error: { status: 503, title: 'x', message: 'upstream trace' } } }
      : { body: { messages: [], unread: 0 } },
  )
  await openApp(page, '/messages', 'messages-view')
  const state = page.getByTestId('error-state')
  await expect(state).toHaveAttribute('data-kind', 'server')
  await expect(page.getByTestId('error-title')).toHaveText('服务暂时不可用')
  await expect(state).not.toContainText('upstream trace')
  await expectNoRed(page)

  failing = false
  await page.getByTestId('retry-button').click()
  await expect(page.getByTestId('empty-state')).toContainText('暂无消息')
})

test('a request that takes too long times out at 4.5 s with a friendly page', async ({ page, api }) => {
  let hang = true
  api.on('GET', /^\/api\/messages$/, () => (hang ? { hang: true } : { body: { messages: [], unread: 0 } }))
  // The page's clock stands still from before the start, so 4.5 s is the app's own 4.5 s.
  await page.clock.install()
  await page.clock.pauseAt(Date.now() + 1_000)
  await page.goto('/#/messages')
  await page.clock.runFor(1) // main.ts mounts the app, which asks for the messages at once
  await expect(page.getByTestId('messages-skeleton')).toBeVisible()
  await page.clock.runFor(4_498)
  await settled(page)
  await expect(page.getByTestId('messages-skeleton')).toBeVisible()
  await expect(page.getByTestId('error-state')).toHaveCount(0)
  await page.clock.runFor(2)
  await expect(page.getByTestId('error-state')).toHaveAttribute('data-kind', 'timeout')
  await expect(page.getByTestId('error-title')).toHaveText('请求超时')
  await page.clock.resume()

  hang = false
  await page.getByTestId('retry-button').click()
  await expect(page.getByTestId('empty-state')).toBeVisible()
})

test('going offline shows a friendly page, and 重试 recovers once online', async ({ page, context, api, allowConsoleErrors }) => {
  allowConsoleErrors(/ERR_INTERNET_DISCONNECTED/)
  // Both pages' scripts are loaded while online; only the API goes away.
  await openApp(page, '/messages', 'messages-view')
  await expect(page.getByTestId('message-list')).toBeVisible()
  await page.getByTestId('tab-home').click()
  await expect(page.getByTestId('home-view')).toBeVisible()

  // Offline for the browser (navigator.onLine) and for the mocked API alike.
  let offline = true
  api.on('GET', /^\/api\/messages$/, () =>
    offline ? { abort: 'internetdisconnected' } : { body: { messages: api.data.messages.slice(0, 1), unread: 1 } },
  )
  await context.setOffline(true)
  await page.getByTestId('tab-messages').click()
  await expect(page.getByTestId('error-state')).toHaveAttribute('data-kind', 'offline')
  await expect(page.getByTestId('error-title')).toHaveText('网络未连接')

  offline = false
  await context.setOffline(false)
  await page.getByTestId('retry-button').click()
  await expect(page.getByTestId('message-31')).toBeVisible()
  await expect(page.getByTestId('message-30')).toHaveCount(0)
})

test('an expired session goes to the platform login and comes back to the same screen', async ({ page, api, allowConsoleErrors }) => {
  allowConsoleErrors(/status of 401/)
  const unauthorized = { status: 401, body: { error: { status: 401, title: '未登录', message: '请先登录。' } } }
  api.on('GET', /^\/api\//, unauthorized)
  await page.route('**/auth/login**', (route) =>
    route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>登录</title><p>登录</p>' }),
  )
  await page.goto('/#/messages')
  await page.waitForURL('**/auth/login?next=%2F%23%2Fmessages')
})
