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
