/**
 * 事项 on the 长辈版 工作台 at 320 px (工信部《移动互联网应用（APP）适老化通用设计规范》: main text
 * ≥ 18 pt, main targets ≥ 60 × 60, a simpler screen): what waits for me and 发起事项, large and
 * in one column; the boxes, 我发起的 and the meta lines are gone. Zero axe violations.
 */
import type { Page } from '@playwright/test'

import { expectNoAxeViolations } from '../../../../../tests/e2e/axe'
import { expect, expectNoHorizontalOverflow, ME, openApp, test } from '../../../../../tests/e2e/support'

import mockItems from './mock-api'

test.use({ viewport: { width: 320, height: 568 }, textSettings: { size: 'standard', elder: true } })

/** The smallest font size of any visible text in the page's main area, and where it is. */
function smallestMainText(page: Page): Promise<{ size: number; text: string }> {
  return page.evaluate(() => {
    let smallest = { size: Infinity, text: '' }
    const walker = document.createTreeWalker(document.querySelector('main')!, NodeFilter.SHOW_TEXT)
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const element = node.parentElement!
      if (!node.textContent?.trim() || element.closest('.visually-hidden, [aria-hidden="true"]')) continue
      if (element.getClientRects().length === 0) continue
      const size = parseFloat(getComputedStyle(element).fontSize)
      if (size < smallest.size) smallest = { size, text: node.textContent.trim().slice(0, 20) }
    }
    return smallest
  })
}

test('shows the count, 发起事项 and what waits for me — large, in one column, nothing else', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'a phone')
  await openApp(page, '/', 'home-view')
  const panel = page.getByTestId('workbench-items')
  await expect(panel.getByTestId('elder-list-items')).toBeVisible()

  // Shown: the feature's name, how many wait (the done one does not), the action, the open items.
  await expect(panel.getByRole('heading', { level: 2 })).toHaveText('事项')
  await expect(panel.getByTestId('elder-count-items')).toHaveText('2 件')
  await expect(panel.getByRole('list', { name: '待我办理' }).getByRole('listitem')).toHaveCount(2)
  await expect(panel.getByTestId('elder-entry-items-7')).toHaveText(/报送第一季度安全生产检查材料\s*紧急/)
  await expect(panel.getByTestId('elder-entry-items-8')).toHaveText('核对三月份会议室预约')
  await expect(panel.getByTestId('elder-action-items')).toHaveText('发起事项')

  // Hidden: the boxes and their tabs, 我发起的, the standard cards with 发起人 and times.
  await expect(page.getByRole('tablist')).toHaveCount(0)
  await expect(panel.getByText('我发起的')).toHaveCount(0)
  await expect(page.locator('[data-testid^="item-card-"]')).toHaveCount(0)
  await expect(panel.getByText('发起人')).toHaveCount(0)
  await expect(page.getByTestId('item-list-todo')).toHaveCount(0)

  // Large: the main text ≥ 18 px, the targets ≥ 60 × 60, one column as wide as the panel.
  const smallest = await smallestMainText(page)
  expect(smallest.size, `smallest text on 长辈版 工作台: 「${smallest.text}」`).toBeGreaterThanOrEqual(18)
  const column = (await panel.boundingBox())!
  for (const target of [
    panel.getByTestId('elder-action-items'),
    panel.getByTestId('elder-entry-items-7'),
    panel.getByTestId('elder-entry-items-8'),
  ]) {
    const box = (await target.boundingBox())!
    expect(box.height, await target.innerText()).toBeGreaterThanOrEqual(60)
    expect(box.width, await target.innerText()).toBeGreaterThanOrEqual(column.width - 1)
  }
  await expectNoHorizontalOverflow(page)
  await expectNoAxeViolations(page, '长辈版 工作台 at 320 px')
  testInfo.annotations.push({ type: 'smallest main text on 长辈版 工作台 (px)', description: String(smallest.size) })

  // Each entry opens its item; the action opens 发起事项.
  await panel.getByTestId('elder-entry-items-7').click()
  await expect(page.getByTestId('item-title')).toHaveText('报送第一季度安全生产检查材料')
  await page.getByTestId('back-button').click()
  await page.getByTestId('elder-action-items').click()
  await expect(page.getByTestId('item-create-view')).toBeVisible()
})

test('nothing waiting: says so, and 发起事项 is still there; axe clean', async ({ page, api }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'a phone')
  api.dataOf(mockItems).items.splice(0)
  await openApp(page, '/', 'home-view')
  const panel = page.getByTestId('workbench-items')
  await expect(panel.getByTestId('empty-state')).toHaveText(/暂无待办事项/)
  await expect(panel.getByTestId('elder-count-items')).toHaveText('0 件')
  await expect(panel.getByTestId('elder-action-items')).toBeVisible()
  await expectNoAxeViolations(page, '长辈版 工作台, nothing waiting')
})

test('a list that cannot load says why, and 重试 recovers', async ({ page, api, allowConsoleErrors }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'a phone')
  allowConsoleErrors(/status of 503/)
  let failing = true
  const items = structuredClone(api.dataOf(mockItems).items)
  api.on('GET', /^\/api\/items$/, () =>
    failing ? { status: 503, body: { error: { status: 503, title: 'x', message: 'upstream' } } } : { body: { items } },
  )
  await openApp(page, '/', 'home-view')
  const panel = page.getByTestId('workbench-items')
  await expect(panel.getByTestId('error-title')).toHaveText('服务暂时不可用')
  failing = false
  await panel.getByTestId('retry-button').click()
  await expect(panel.getByTestId('elder-entry-items-7')).toBeVisible()
})

test('more than a page waiting: 20+ 件, and 加载更多 by keyboard brings the rest, focused on the first of them', async ({ page, api }, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'a phone')
  const data = api.dataOf(mockItems)
  const [open] = data.items.filter((item) => item.assignee.userid === ME.userid && item.status === 'open')
  for (let n = 1; n <= 25; n++) data.items.push({ ...open, id: 200 + n, title: `待办事项 ${n}`, priority: 'normal', due_date: null })
  const waiting = data.items.filter((item) => item.assignee.userid === ME.userid && item.status === 'open').length
  await openApp(page, '/', 'home-view')
  const panel = page.getByTestId('workbench-items')
  const entries = panel.getByRole('list', { name: '待我办理' }).getByRole('listitem')
  await expect(panel.getByTestId('elder-count-items')).toHaveText(/^\d+\+ 件$/)
  const firstPage = await entries.count()

  const more = panel.getByTestId('elder-load-more-items')
  const box = (await more.boundingBox())!
  expect(box.height).toBeGreaterThanOrEqual(60)
  expect(box.width).toBeGreaterThanOrEqual((await panel.boundingBox())!.width - 1)
  await expectNoAxeViolations(page, '长辈版 工作台 with 加载更多')

  await more.focus()
  await page.keyboard.press('Enter')
  await expect(entries).toHaveCount(waiting)
  await expect(panel.getByTestId('elder-count-items')).toHaveText(`${waiting} 件`)
  await expect(more).toHaveCount(0)
  await expect(entries.nth(firstPage).getByRole('link')).toBeFocused()
  await expect(page.getByTestId('announcer')).toHaveText(`已加载 ${waiting - firstPage} 件，没有更多了`)
  await expectNoHorizontalOverflow(page)
})
