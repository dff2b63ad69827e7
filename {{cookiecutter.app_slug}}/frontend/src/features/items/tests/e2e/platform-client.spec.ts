import { expect, FAKE_JWEIXIN, IN_CLIENT_USER_AGENT, JSSDK_URL, openApp, test } from '../../../../../tests/e2e/support'

// Inside the 一网协同 client (user agent with "wxwork"), the JS-SDK adapter signs the page and
// the UI uses the platform's own contact picker and chats. The jweixin script is a stand-in.
test.describe('inside the platform client', () => {
  test.use({ userAgent: IN_CLIENT_USER_AGENT })

  test.beforeEach(async ({ page }) => {
    await page.route(JSSDK_URL, (route) => route.fulfill({ contentType: 'application/javascript', body: FAKE_JWEIXIN }))
  })

  test('signs the page URL without the hash and picks the assignee with the platform picker', async ({
    page,
    api,
    baseURL,
  }) => {
    await openApp(page, '/items/new', 'item-create-view')
    await page.getByTestId('assignee-picker').click()
    await expect(page.getByTestId('assignee-value')).toHaveText('李四')
    await expect(page.getByTestId('contact-picker')).toBeHidden()

    const signatures = api.requestsTo('GET', '/api/jssdk/signature')
    expect(signatures.map((request) => request.query.get('type')).sort()).toEqual(['agent', 'corp'])
    for (const request of signatures) expect(request.query.get('url')).toBe(`${baseURL}/`)

    const calls = await page.evaluate(() => (window as unknown as { __jssdkCalls: Array<{ api: string; params: Record<string, unknown> }> }).__jssdkCalls)
    expect(calls.map((call) => call.api)).toEqual(['config', 'agentConfig', 'selectEnterpriseContact'])
    expect(calls[0].params).toMatchObject({ beta: true, debug: false, appId: 'ww1234567890abcdef', nonceStr: 'e2eCorpNonce' })
    expect(calls[1].params).toMatchObject({ corpid: 'ww1234567890abcdef', agentid: '1000002', nonceStr: 'e2eAgentNonce' })
  })

  test('opens a chat with the other person on the item (附录 B)', async ({ page }) => {
    await openApp(page, '/items/7', 'item-detail-view')
    const chat = page.getByTestId('chat-button')
    await expect(chat).toHaveText('与李四沟通')
    await chat.click()
    await expect
      .poll(() =>
        page.evaluate(() =>
          (window as unknown as { __jssdkCalls: Array<{ api: string; params: Record<string, unknown> }> }).__jssdkCalls.find(
            (call) => call.api === 'openChatWithMsg',
          )?.params,
        ),
      )
      .toMatchObject({ userIds: 'lisi', externalUserIds: '', groupName: '', chatId: '', msg: { title: '报送第一季度安全生产检查材料' } })
  })
})

test('outside the client the platform script is never loaded', async ({ page }) => {
  const scripts: string[] = []
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(request.url())
  })
  await openApp(page, '/items/new', 'item-create-view')
  await page.getByTestId('assignee-picker').click()
  await expect(page.getByTestId('contact-picker')).toBeVisible()
  expect(scripts.filter((url) => url.startsWith(JSSDK_URL))).toEqual([])
})
