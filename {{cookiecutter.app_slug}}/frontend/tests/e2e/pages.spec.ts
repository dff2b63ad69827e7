import { expect, expectNoHorizontalOverflow, expectNoRed, FEATURE_NAMES, findRedColours, openApp, test } from './support'

// Every page renders in Chinese, draws nothing in red, fits the width, logs no console error
// (checked by the auto fixture in support.ts).
const PAGES = [
  { name: '工作台', hash: '/', view: 'home-view', ready: '[data-testid="greeting"][aria-busy="false"]', title: '协同办公' },
  { name: '消息', hash: '/messages', view: 'messages-view', ready: '[data-testid="message-list"]', title: '协同办公' },
  { name: '我的', hash: '/me', view: 'profile-view', ready: '[data-testid="masked-mobile"]', title: '协同办公' },
  { name: '页面不存在', hash: '/no-such-page', view: 'not-found-view', ready: '[data-testid="go-home-button"]', title: '页面不存在 - 协同办公' },
]

for (const { name, hash, view, ready, title } of PAGES) {
  test(`${name} renders without red or horizontal overflow`, async ({ page }) => {
    await openApp(page, hash, view)
    await expect(page.locator(ready).first()).toBeVisible()
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
  test('greets the user and shows every feature’s panel, or says how to add one', async ({ page }) => {
    await openApp(page, '/', 'home-view')
    await expect(page.getByTestId('greeting')).toHaveText('张三，您好')
    const command = page.getByTestId('feature-new-command')
    if (FEATURE_NAMES.length === 0) {
      await expect(page.getByTestId('empty-state')).toContainText('工作台还没有业务功能')
      await expect(command).toHaveText('flask --app wsgi feature new <name> --title <中文名>')
      await expectNoHorizontalOverflow(page)
    } else {
      await expect(page.locator('[data-testid^="workbench-"]').first()).toBeVisible()
      await expect(command).toHaveCount(0)
    }
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
