/**
 * The tab bar and the PC side navigation with the keyboard alone (WAI-ARIA Authoring Practices,
 * tabs pattern; WCAG 2.1.1, 2.4.3): the arrow keys move to the next / previous tab and open it,
 * wrapping at the ends, Home / End go to the first / last; Tab stops on the current tab only.
 */
import type { Page } from '@playwright/test'

import { focusedElement, tabTo } from './axe'
import { ADAPTIVE_CONFIG, expect, openApp, test } from './support'

const VIEWS: Record<string, string> = { home: 'home-view', messages: 'messages-view', profile: 'profile-view' }

/** The tab `route` is focused, current, the only one in the Tab order, and its page shows. */
async function expectOn(page: Page, route: string): Promise<void> {
  const tab = page.getByTestId(`tab-${route}`)
  await expect(tab).toBeFocused()
  await expect(tab).toHaveAttribute('aria-current', 'page')
  await expect(page.getByTestId('tabbar').locator('[tabindex="0"]')).toHaveAttribute('data-testid', `tab-${route}`)
  if (VIEWS[route]) await expect(page.getByTestId(VIEWS[route])).toBeVisible()
}

for (const layout of [
  { name: 'the tab bar', pc: false, back: 'ArrowLeft', forward: 'ArrowRight' },
  { name: 'the side navigation at 1440 px', pc: true, back: 'ArrowUp', forward: 'ArrowDown' },
]) {
  test.describe(layout.name, () => {
    if (layout.pc) test.use({ viewport: { width: 1440, height: 900 }, appConfig: ADAPTIVE_CONFIG })

    test('arrow keys, Home and End move between the tabs; Tab enters and leaves once', async ({ page }, testInfo) => {
      test.skip(layout.pc && testInfo.project.name !== 'pc', 'PC width once')
      await openApp(page, '/', 'home-view')
      await expect(page.locator('[data-testid="greeting"][aria-busy="false"]')).toBeVisible()
      const tabs = await page
        .getByTestId('tabbar')
        .locator('a')
        .evaluateAll((links) => links.map((link) => link.getAttribute('data-testid')!.slice('tab-'.length)))
      expect(tabs[0]).toBe('home')
      expect(tabs.slice(-2)).toEqual(['messages', 'profile'])

      await tabTo(page, 'tab-home')
      await page.keyboard.press(layout.forward)
      await expectOn(page, tabs[1])
      await page.keyboard.press('End')
      await expectOn(page, 'profile')
      await page.keyboard.press(layout.forward)
      await expectOn(page, 'home')
      await page.keyboard.press(layout.back)
      await expectOn(page, 'profile')
      await page.keyboard.press('Home')
      await expectOn(page, 'home')
      await expect(page.getByTestId('announcer')).toHaveText('工作台')

      // One Tab stop for the whole navigation: Tab leaves it, Shift+Tab comes back to the
      // current tab (工作台, the first), not to the last one in the row.
      await page.keyboard.press('Tab')
      expect((await focusedElement(page)).testId ?? '').not.toMatch(/^tab-/)
      await page.keyboard.press('Shift+Tab')
      await expectOn(page, 'home')
    })
  })
}
