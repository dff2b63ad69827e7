/**
 * Text that follows the user (WCAG 1.4.4, 1.4.10; 工信部《移动互联网应用（APP）适老化通用设计规范》):
 * at 320 px with the browser's default font size doubled (what a client's 字体大小 setting
 * does), nothing overlaps, nothing scrolls sideways and no label is cut; 长辈版 has body text
 * ≥ 18 px, main targets ≥ 60 × 60 and line spacing ≥ 1.3.
 */
import type { Page } from '@playwright/test'

import { expectNoAxeViolations } from './axe'
import { expect, expectNoHorizontalOverflow, FEATURE_NAMES, openApp, test, type AppOptions } from './support'

const PAGES = [
  { name: '工作台', hash: '/', view: 'home-view', ready: '[data-testid="greeting"][aria-busy="false"]' },
  { name: '消息', hash: '/messages', view: 'messages-view', ready: '[data-testid="message-list"]' },
  { name: '我的', hash: '/me', view: 'profile-view', ready: '[data-testid="text-settings"]' },
  { name: '页面不存在', hash: '/no-such-page', view: 'not-found-view', ready: '[data-testid="go-home-button"]' },
  ...(FEATURE_NAMES.includes('items')
    ? [
        { name: '事项详情', hash: '/items/7', view: 'item-detail-view', ready: '[data-testid="item-title"]' },
        { name: '发起事项', hash: '/items/new', view: 'item-create-view', ready: '[data-testid="title-input"]' },
      ]
    : []),
]

/** Chromium's default font size, as a client's or browser's font setting changes it. */
async function setDefaultFontSize(page: Page, px: number): Promise<void> {
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: px, fixed: Math.round(px * 0.8125) } })
}

interface TextLayout {
  smallest: number
  smallestText: string
  overlaps: string[]
  cut: string[]
}

/**
 * The page's text as a reader sees it: the smallest font size of any visible text, pairs of
 * text boxes that overlap (neither inside the other), and boxes whose text is clipped.
 */
async function textLayout(page: Page): Promise<TextLayout> {
  return page.evaluate(() => {
    const describe = (element: Element) =>
      `${element.tagName.toLowerCase()}.${String(element.className).split(' ')[0]}「${element.textContent?.trim().slice(0, 12)}」`
    const leaves: Array<{ element: Element; rect: DOMRect }> = []
    let smallest = Infinity
    let smallestText = ''
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT)
    const seen = new Set<Element>()
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement
      if (!element || !node.textContent?.trim() || seen.has(element)) continue
      seen.add(element)
      if (element.closest('.visually-hidden, [aria-hidden="true"], .van-toast')) continue
      const style = getComputedStyle(element)
      if (style.visibility === 'hidden' || element.getClientRects().length === 0) continue
      const range = document.createRange()
      range.selectNodeContents(node)
      const rect = range.getBoundingClientRect()
      if (rect.width === 0 || rect.height === 0) continue
      if (parseFloat(style.fontSize) < smallest) {
        smallest = parseFloat(style.fontSize)
        smallestText = describe(element)
      }
      leaves.push({ element, rect })
    }
    // Text under a sticky bar (the tab bar, a page header) is scrolled content, not overlap.
    const pinned = (element: Element) => {
      for (let box: Element | null = element; box; box = box.parentElement) {
        const position = getComputedStyle(box).position
        if (position === 'sticky' || position === 'fixed') return box
      }
      return null
    }
    const overlaps: string[] = []
    for (let i = 0; i < leaves.length; i++) {
      for (let j = i + 1; j < leaves.length; j++) {
        const [a, b] = [leaves[i], leaves[j]]
        if (a.element.contains(b.element) || b.element.contains(a.element)) continue
        if (pinned(a.element) !== pinned(b.element)) continue
        const x = Math.min(a.rect.right, b.rect.right) - Math.max(a.rect.left, b.rect.left)
        const y = Math.min(a.rect.bottom, b.rect.bottom) - Math.max(a.rect.top, b.rect.top)
        if (x > 2 && y > 2) overlaps.push(`${describe(a.element)} × ${describe(b.element)}`)
      }
    }
    // Cut: the text reaches past a box that clips it, or ends in an ellipsis.
    const cut: string[] = []
    for (const { element, rect } of leaves) {
      for (let box: Element | null = element; box && box !== document.body; box = box.parentElement) {
        const style = getComputedStyle(box)
        if (style.overflowX === 'auto' || style.overflowX === 'scroll') break
        const ellipsis = style.textOverflow === 'ellipsis' && box.scrollWidth > box.clientWidth + 1
        const clip = style.overflowX !== 'visible' ? box.getBoundingClientRect() : null
        if (ellipsis || (clip && (rect.right > clip.right + 1 || rect.left < clip.left - 1))) {
          cut.push(describe(element))
          break
        }
      }
    }
    return { smallest, smallestText, overlaps, cut }
  })
}

test.describe('320 px, text at 200 %', () => {
  test.use({ viewport: { width: 320, height: 568 } })

  for (const { name, hash, view, ready } of PAGES) {
    test(`${name}: no overlap, no sideways scroll, no cut label`, async ({ page }, testInfo) => {
      test.skip(testInfo.project.name !== 'phone', 'a phone')
      // The app up (a page in place) before the font setting changes and the page opens; a hash
      // change during start-up has its own test (start-up.spec.ts).
      await openApp(page, '/no-such-start', 'not-found-view')
      await setDefaultFontSize(page, 32)
      await openApp(page, hash, view)
      await expect(page.locator(ready).first()).toBeVisible()
      const layout = await textLayout(page)
      expect(layout.overlaps, 'text boxes overlapping').toEqual([])
      expect(layout.cut, 'text cut off').toEqual([])
      expect(layout.smallest, `smallest text at 200 %: ${layout.smallestText}`).toBeGreaterThanOrEqual(22)
      await expectNoHorizontalOverflow(page)
      testInfo.annotations.push({ type: 'smallest text (px)', description: String(layout.smallest) })
    })
  }
})

async function turnOnElderMode(page: Page): Promise<void> {
  await openApp(page, '/me', 'profile-view')
  await page.getByTestId('elder-switch').focus()
  await page.keyboard.press('Space')
  await expect(page.getByTestId('elder-switch')).toHaveAttribute('aria-checked', 'true')
  await expect(page.locator('html')).toHaveClass(/\belder\b/)
}

test.describe('长辈版 at 320 px', () => {
  test.use({ viewport: { width: 320, height: 568 } })

  test('body text ≥ 18 px, main targets ≥ 60 × 60, line spacing ≥ 1.3, remembered', async ({ page }, testInfo) => {
    test.skip(testInfo.project.name !== 'phone', 'a phone')
    await turnOnElderMode(page)
    await page.reload()
    await expect(page.locator('html')).toHaveClass(/\belder\b/)

    await openApp(page, '/', 'home-view')
    await expect(page.locator('[data-testid="greeting"][aria-busy="false"]')).toBeVisible()
    const body = await page.locator('body').evaluate((element) => {
      const style = getComputedStyle(element)
      return { size: parseFloat(style.fontSize), lineHeight: parseFloat(style.lineHeight) / parseFloat(style.fontSize) }
    })
    expect(body.size).toBeGreaterThanOrEqual(18)
    expect(body.lineHeight).toBeGreaterThanOrEqual(1.3)
    // The panels loaded (ElderPanel and its list come after the first screen).
    await page.waitForLoadState('networkidle')
    await expect(page.locator('main [aria-busy="true"]')).toHaveCount(0)
    // The tab bar, and on 工作台 each feature's 长辈版 panel: its action, entries and 全部 link.
    for (const target of await page
      .locator('.tabbar__item, .app-button, .elder-panel__action, .elder-panel__entry, .elder-panel__more')
      .all()) {
      const box = await target.boundingBox()
      expect(box!.width, await target.innerText()).toBeGreaterThanOrEqual(60)
      expect(box!.height, await target.innerText()).toBeGreaterThanOrEqual(60)
    }
    const layout = await textLayout(page)
    expect(layout.smallest, `smallest text in 长辈版: ${layout.smallestText}`).toBeGreaterThanOrEqual(18)
    expect(layout.overlaps).toEqual([])
    await expectNoHorizontalOverflow(page)
    await expectNoAxeViolations(page, '工作台 in 长辈版')
    testInfo.annotations.push({ type: 'smallest text in 长辈版 (px)', description: String(layout.smallest) })
  })

  for (const { name, hash, view, ready } of PAGES) {
    test(`${name}: no text under 18 px, nothing overlaps or is cut, axe clean`, async ({ page }, testInfo) => {
      test.skip(testInfo.project.name !== 'phone', 'a phone')
      await turnOnElderMode(page)
      await openApp(page, hash, view)
      await expect(page.locator(ready).first()).toBeVisible()
      await page.waitForLoadState('networkidle')
      const layout = await textLayout(page)
      expect(layout.smallest, `smallest text in 长辈版: ${layout.smallestText}`).toBeGreaterThanOrEqual(18)
      expect(layout.overlaps, 'text boxes overlapping').toEqual([])
      expect(layout.cut, 'text cut off').toEqual([])
      await expectNoHorizontalOverflow(page)
      await expectNoAxeViolations(page, `${name} in 长辈版`)
      testInfo.annotations.push({ type: `smallest text in 长辈版 on ${name} (px)`, description: String(layout.smallest) })
    })
  }

  test('the 字体大小 steps make text larger and are remembered', async ({ page }, testInfo) => {
    test.skip(testInfo.project.name !== 'phone', 'a phone')
    await openApp(page, '/me', 'profile-view')
    const title = page.locator('.page-title')
    await expect(title).toHaveCSS('font-size', '20px')
    await page.getByTestId('text-size-large').click()
    await expect(title).toHaveCSS('font-size', '22.5px')
    await page.getByTestId('text-size-xlarge').click()
    await expect(title).toHaveCSS('font-size', '25px')
    await page.reload()
    await expect(title).toHaveCSS('font-size', '25px')
    await expect(page.getByTestId('text-size-xlarge').locator('input')).toBeChecked()
    await expectNoHorizontalOverflow(page)
  })
})

test.describe('first use', () => {
  test.use({ firstVisit: true } satisfies Partial<AppOptions>)
  test('the first-use guide offers 长辈版', async ({ page }) => {
    await openApp(page, '/', 'home-view')
    await expect(page.getByTestId('guide-dismiss')).toBeFocused()
    await page.getByTestId('guide-elder-switch').click()
    await expect(page.locator('html')).toHaveClass(/\belder\b/)
    await page.keyboard.press('Escape')
    await expect(page.getByTestId('first-use-guide')).toBeHidden()
  })
})
