/**
 * Accessibility of the core pages (WCAG 2.1 AA, GB/T 37668-2019; 工信部 适老化 规范):
 * zero axe violations in every state, in 标准 and 长辈版, on the phone and at PC width.
 */
import { expectNoAxeViolations } from './axe'
import { ADAPTIVE_CONFIG, expect, expectNoHorizontalOverflow, openApp, PROFILE_NOT_GRANTED, test } from './support'

const PAGES = [
  { name: '工作台', hash: '/', view: 'home-view', ready: '[data-testid="greeting"][aria-busy="false"]' },
  { name: '消息', hash: '/messages', view: 'messages-view', ready: '[data-testid="message-list"]' },
  { name: '我的', hash: '/me', view: 'profile-view', ready: '[data-testid="masked-mobile"]' },
  { name: '页面不存在', hash: '/no-such-page', view: 'not-found-view', ready: '[data-testid="go-home-button"]' },
]

for (const { name, hash, view, ready } of PAGES) {
  test(`axe: ${name}`, async ({ page }) => {
    await openApp(page, hash, view)
    await expect(page.locator(ready).first()).toBeVisible()
    await expectNoAxeViolations(page, name)
  })
}

test('axe: 我的 before consent, and the withdraw dialog', async ({ page, api }) => {
  await openApp(page, '/me', 'profile-view')
  await page.getByTestId('withdraw-consent-button').click()
  await expect(page.getByRole('alertdialog')).toBeVisible()
  await expectNoAxeViolations(page, '撤回授权 dialog')
  api.data.profile = structuredClone(PROFILE_NOT_GRANTED)
  await page.getByRole('alertdialog').getByRole('button', { name: '取消' }).click()
  await page.reload()
  await expect(page.getByTestId('consent-explainer')).toBeVisible()
  await expectNoAxeViolations(page, '我的 before consent')
})

test.describe('first use', () => {
  test.use({ firstVisit: true })
  test('axe: the first-use guide', async ({ page }) => {
    await openApp(page, '/', 'home-view')
    await expect(page.getByTestId('first-use-guide')).toBeVisible()
    await expectNoAxeViolations(page, 'first-use guide')
  })
})

test.describe('PC width', () => {
  test.use({ viewport: { width: 1440, height: 900 }, appConfig: ADAPTIVE_CONFIG })
  for (const { name, hash, view, ready } of PAGES) {
    test(`axe at 1440 px: ${name}`, async ({ page }) => {
      await openApp(page, hash, view)
      await expect(page.locator(ready).first()).toBeVisible()
      await expectNoAxeViolations(page, `${name} at 1440 px`)
    })
  }
})

test.describe('PC layout at 1440 px', () => {
  test.use({ viewport: { width: 1440, height: 900 }, appConfig: ADAPTIVE_CONFIG })
  test('navigation in a column on the left, content at a readable width', async ({ page }) => {
    await openApp(page, '/', 'home-view')
    const nav = (await page.getByTestId('tabbar').boundingBox())!
    const main = (await page.locator('.app-main').boundingBox())!
    expect(nav.x + nav.width).toBeLessThanOrEqual(main.x + 1)
    expect(nav.height).toBeGreaterThan(nav.width)
    expect(main.width).toBeLessThanOrEqual(1000)
    await page.goto('/#/me')
    await expect(page.getByTestId('profile-view')).toBeVisible()
    await expect(page.getByTestId('tab-profile')).toHaveAttribute('aria-current', 'page')
    await expectNoHorizontalOverflow(page)
  })
})
