/** 事项 on 工作台: the two boxes, the first screen's list, and a list that cannot load. */
import { expectNoAxeViolations } from '../../../../../tests/e2e/axe'
import { expect, expectNoHorizontalOverflow, expectNoRed, ME, openApp, test } from '../../../../../tests/e2e/support'

import items from './mock-api'

test.describe('工作台', () => {
  for (const { name, hash, ready } of [
    { name: '待我办理', hash: '/', ready: 'item-list-todo' },
    { name: '我发起的', hash: '/?box=created', ready: 'item-list-created' },
  ]) {
    test(`${name} renders without red or horizontal overflow`, async ({ page }) => {
      await openApp(page, hash, 'home-view')
      await expect(page.getByTestId(ready)).toBeVisible()
      await expect(page.getByTestId('workbench-items')).toHaveAttribute('aria-label', '事项')
      await expectNoRed(page)
      await expectNoHorizontalOverflow(page)
    })
  }

  test('shows a skeleton while the list loads, then the items', async ({ page, api }) => {
    api.slowDown('GET', /^\/api\/items$/, 800)
    await page.goto('/#/')
    await expect(page.getByTestId('items-skeleton')).toBeVisible()
    await expect(page.getByTestId('item-card-7')).toBeVisible()
    await expect(page.getByTestId('items-skeleton')).toHaveCount(0)
    await expect(page.getByTestId('greeting')).toHaveText('张三，您好')
    // Two open items wait for me; the done one does not count.
    await expect(page.getByTestId('todo-count')).toHaveText('2')
  })

  test('switches between 待我办理 and 我发起的, keeping the choice in the URL', async ({ page, api }) => {
    await openApp(page, '/', 'home-view')
    await expect(page.getByTestId('item-card-7')).toContainText('报送第一季度安全生产检查材料')
    await page.getByTestId('box-created').click()
    await expect(page.getByTestId('item-card-9')).toContainText('办理人 王五')
    expect(page.url()).toContain('box=created')
    expect(api.requestsTo('GET', '/api/items').map((request) => request.query.get('box'))).toEqual(['todo', 'created'])
  })

  test('加载更多 brings the next page by keyboard, focused on its first card', async ({ page, api }) => {
    const data = api.dataOf(items)
    const [template] = data.items.filter((item) => item.assignee.userid === ME.userid)
    for (let n = 1; n <= 25; n++) data.items.push({ ...template, id: 200 + n, title: `归档事项 ${n}` })
    await openApp(page, '/', 'home-view')
    await expect(page.getByTestId('todo-count')).toHaveText(/^\d+\+$/)
    await expectNoAxeViolations(page, '待办 with 加载更多')
    const cards = page.getByTestId('item-list-todo').locator('[data-testid^="item-card-"]')
    await expect(cards).toHaveCount(20)
    const lastOfFirstPage = await cards.nth(19).getAttribute('data-testid')
    await page.getByTestId('items-more').focus()
    await page.keyboard.press('Enter')
    await expect(cards).toHaveCount(data.items.filter((item) => item.assignee.userid === ME.userid).length)
    await expect(page.getByTestId('items-more')).toHaveCount(0)
    await expect(page.getByTestId('item-card-225')).toBeVisible()
    const firstNew = await cards.nth(20).getAttribute('data-testid')
    await expect(page.getByTestId(firstNew ?? '')).toBeFocused()
    await expect(page.getByTestId('announcer')).toContainText('没有更多了')
    // One request for the next page, after the first page's last card.
    const befores = api.requestsTo('GET', '/api/items').map((request) => request.query.get('before'))
    expect(befores.filter((before) => before !== null)).toEqual([lastOfFirstPage?.replace('item-card-', '')])
  })

  test('opens an item from the list and goes back', async ({ page }) => {
    await openApp(page, '/', 'home-view')
    await page.getByTestId('item-card-7').click()
    await expect(page.getByTestId('item-title')).toHaveText('报送第一季度安全生产检查材料')
    await page.getByTestId('back-button').click()
    await expect(page.getByTestId('home-view')).toBeVisible()
  })

  test('a list that cannot load says why, and 重试 recovers', async ({ page, context, api, allowConsoleErrors }) => {
    allowConsoleErrors(/ERR_INTERNET_DISCONNECTED/)
    await openApp(page, '/', 'home-view')
    await expect(page.getByTestId('item-card-7')).toBeVisible()

    // Offline for the browser (navigator.onLine) and for the mocked API alike.
    let offline = true
    const mine = api.dataOf(items).items.filter((item) => item.id === 9)
    api.on('GET', /^\/api\/items$/, (request) =>
      offline ? { abort: 'internetdisconnected' } : { body: { items: request.query.get('box') === 'created' ? mine : [] } },
    )
    await context.setOffline(true)
    await page.getByTestId('box-created').click()
    await expect(page.getByTestId('error-state')).toHaveAttribute('data-kind', 'offline')

    offline = false
    await context.setOffline(false)
    await page.getByTestId('retry-button').click()
    await expect(page.getByTestId('item-card-9')).toBeVisible()
  })

  test('an empty box says what will show there', async ({ page, api }) => {
    api.dataOf(items).items = []
    await openApp(page, '/', 'home-view')
    await expect(page.getByTestId('empty-state')).toContainText('暂无待办事项')
  })
})

test.describe('the first screen’s list', () => {
  test.use({ firstScreen: true })

  test('shows the list, greeting and unread count with no API request', async ({ page, api }) => {
    const todo = api.dataOf(items).items.filter((item) => item.assignee.userid === ME.userid)
    await openApp(page, '/', 'home-view')
    await expect(page.getByTestId('item-list-todo').locator('[data-testid^="item-card-"]')).toHaveCount(todo.length)
    await expect(page.getByTestId('greeting')).toHaveText(`${ME.name}，您好`)
    await expect(page.getByTestId('unread-badge')).toHaveText('2')
    await expect(page.getByTestId('items-skeleton')).toHaveCount(0)
    expect(api.requests.map((request) => request.path)).toEqual([])
  })

  test('asks the server when 工作台 is opened again', async ({ page, api }) => {
    await openApp(page, '/', 'home-view')
    await page.getByTestId('tab-messages').click()
    await expect(page.getByTestId('messages-view')).toBeVisible()
    await page.getByTestId('tab-home').click()
    await expect(page.getByTestId('item-list-todo')).toBeVisible()
    await expect.poll(() => api.requestsTo('GET', '/api/items').length).toBe(1)
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
})
