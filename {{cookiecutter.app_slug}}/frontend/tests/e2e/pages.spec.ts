import { expect, expectNoHorizontalOverflow, expectNoRed, findRedColours, openApp, test } from './support'

// Every page renders in Chinese, draws nothing in red, fits the width, logs no console error
// (checked by the auto fixture in support.ts).
const PAGES = [
  { name: '工作台', hash: '/', view: 'home-view', ready: 'item-list-todo', title: '协同事项' },
  { name: '我发起的', hash: '/?box=created', view: 'home-view', ready: 'item-list-created', title: '协同事项' },
  { name: '事项详情', hash: '/items/7', view: 'item-detail-view', ready: 'item-title', title: '事项详情 - 协同事项' },
  { name: '发起事项', hash: '/items/new', view: 'item-create-view', ready: 'title-input', title: '发起事项 - 协同事项' },
  { name: '消息', hash: '/messages', view: 'messages-view', ready: 'message-list', title: '协同事项' },
  { name: '我的', hash: '/me', view: 'profile-view', ready: 'masked-mobile', title: '协同事项' },
  { name: '页面不存在', hash: '/no-such-page', view: 'not-found-view', ready: 'go-home-button', title: '页面不存在 - 协同事项' },
]

for (const { name, hash, view, ready, title } of PAGES) {
  test(`${name} renders without red or horizontal overflow`, async ({ page }) => {
    await openApp(page, hash, view)
    await expect(page.getByTestId(ready).first()).toBeVisible()
    await expect(page).toHaveTitle(title)
    await expectNoRed(page)
    await expectNoHorizontalOverflow(page)
  })
}

test('the page keeps pinch zoom and declares Chinese', async ({ page }) => {
  await openApp(page, '/', 'home-view')
  const viewport = await page.locator('meta[name="viewport"]').getAttribute('content')
  expect(viewport).not.toMatch(/user-scalable\s*=\s*(no|0)|maximum-scale/)
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN')
})

test.describe('工作台', () => {
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

  test('tab bar reaches 消息 and 我的, with a non-red unread badge', async ({ page }) => {
    await openApp(page, '/', 'home-view')
    await expect(page.getByTestId('unread-badge')).toHaveText('2')
    await page.getByTestId('tab-messages').click()
    await expect(page.getByTestId('messages-view')).toBeVisible()
    await expect(page.getByTestId('tab-messages')).toHaveAttribute('aria-current', 'page')
    await page.getByTestId('tab-profile').click()
    await expect(page.getByTestId('profile-view')).toBeVisible()
    await expectNoRed(page)
  })

  test('opens an item from the list and goes back', async ({ page }) => {
    await openApp(page, '/', 'home-view')
    await page.getByTestId('item-card-7').click()
    await expect(page.getByTestId('item-title')).toHaveText('报送第一季度安全生产检查材料')
    await page.getByTestId('back-button').click()
    await expect(page.getByTestId('home-view')).toBeVisible()
  })
})

test('the red check itself catches Vant’s default red and orange', async ({ page }) => {
  await openApp(page, '/', 'home-view')
  await page.evaluate(() => {
    for (const [id, colour] of [
      ['probe-red', '#ee0a24'],
      ['probe-orange', '#ff976a'],
      ['probe-amber', '#9c5a00'],
    ]) {
      const probe = document.createElement('span')
      probe.dataset.testid = id
      probe.textContent = '探针'
      probe.style.color = colour // CSSOM, allowed by the CSP
      document.body.append(probe)
    }
  })
  const found = (await findRedColours(page)).map((finding) => finding.element)
  expect(found).toContain('span[data-testid=probe-red]')
  expect(found).toContain('span[data-testid=probe-orange]')
  expect(found).not.toContain('span[data-testid=probe-amber]')
})
