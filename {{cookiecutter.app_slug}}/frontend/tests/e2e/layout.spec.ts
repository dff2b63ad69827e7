import { expect, expectNoHorizontalOverflow, openApp, test } from './support'

// DB31DSJ/Z 附录 D 页面框架: fixed width (760–950 px) for the PC client, or adaptive.

test('fixed mode: a centred column of exactly the configured width', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'pc', 'the PC client opens the fixed-width page')
  await openApp(page, '/', 'home-view')
  await expect(page.locator('html')).toHaveClass(/page-fixed/)
  const shellWidth = () => page.locator('.app-shell').evaluate((element) => element.getBoundingClientRect().width)
  expect(await shellWidth()).toBeLessThanOrEqual(800)

  // A wider window (or a browser): still 800 px, centred, with px (not vw) type.
  await page.setViewportSize({ width: 1280, height: 800 })
  const box = await page.locator('.app-shell').evaluate((element) => {
    const rect = element.getBoundingClientRect()
    return { left: rect.left, width: rect.width, right: document.documentElement.clientWidth - rect.right }
  })
  expect(box.width).toBe(800)
  expect(Math.abs(box.left - box.right)).toBeLessThanOrEqual(1)
  await expect(page.locator('.page-title')).toHaveCSS('font-size', '20px')
  await expectNoHorizontalOverflow(page)
})

test('adaptive mode: text follows the browser’s font size, not the phone’s width', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'adaptive layout on phones')
  await openApp(page, '/', 'home-view')
  await expect(page.locator('html')).toHaveClass(/page-adaptive/)
  await expect(page.locator('.page-title')).toHaveCSS('font-size', '20px')

  // A wider phone does not blow the text up; a larger default font size (the client's or the
  // browser's 字体大小 setting) does (WCAG 1.4.4, 适老化 规范: 字体大小可调).
  await page.setViewportSize({ width: 414, height: 736 })
  await expect(page.locator('.page-title')).toHaveCSS('font-size', '20px')
  const cdp = await page.context().newCDPSession(page)
  await cdp.send('Page.setFontSizes', { fontSizes: { standard: 24, fixed: 13 } })
  await expect(page.locator('.page-title')).toHaveCSS('font-size', '30px')
  await expectNoHorizontalOverflow(page)
})

// WCAG 2.4.11 Focus Not Obscured: the tab bar stays at the bottom of a phone's screen, and a
// control the keyboard moves to must never be left under it.
for (const textSettings of [null, { size: 'xlarge' as const, elder: false }, { size: 'standard' as const, elder: true }]) {
  test.describe(`Tab through a long list at 320 px, ${textSettings ? JSON.stringify(textSettings) : 'standard text'}`, () => {
    test.use({ viewport: { width: 320, height: 568 }, textSettings })

    test('the focused control is never under the tab bar', async ({ page, api }, testInfo) => {
      test.skip(testInfo.project.name !== 'phone', 'the tab bar is at the bottom on a phone')
      const [template] = api.data.messages
      for (let n = 1; n <= 25; n++) api.data.messages.push({ ...template, id: 30 - n - 1, title: `较早的消息 ${n}` })
      await openApp(page, '/messages', 'messages-view')
      await expect(page.getByTestId('message-list').locator('[data-testid^="message-"]')).toHaveCount(20)
      const tabbarTop = (await page.getByTestId('tabbar').boundingBox())!.y
      await page.getByTestId('message-list').locator('button').first().focus()
      for (let step = 0; step < 21; step++) {
        const focused = await page.evaluate(() => {
          const box = document.activeElement!.getBoundingClientRect()
          return { text: (document.activeElement as HTMLElement).innerText.slice(0, 12), top: box.top, bottom: box.bottom }
        })
        expect(focused.bottom, `「${focused.text}」 under the tab bar`).toBeLessThanOrEqual(tabbarTop + 0.5)
        expect(focused.top, `「${focused.text}」 above the screen`).toBeGreaterThanOrEqual(-0.5)
        await page.keyboard.press('Tab')
      }
    })
  })
}
