/** 事项's states under axe (WCAG 2.1 AA): lists with data and empty, the form with errors, the sheet and dialog open. */
import { expectNoAxeViolations } from '../../../../../tests/e2e/axe'
import { expect, openApp, test } from '../../../../../tests/e2e/support'

import mockItems from './mock-api'

test('axe: 工作台 lists with data and empty', async ({ page, api }) => {
  await openApp(page, '/', 'home-view')
  await expect(page.getByTestId('item-list-todo')).toBeVisible()
  await expectNoAxeViolations(page, '待办 with data')
  api.dataOf(mockItems).items.splice(0)
  await page.getByTestId('box-created').click()
  await expect(page.getByTestId('empty-state')).toBeVisible()
  await expectNoAxeViolations(page, '我发起的 empty')
})

test('axe: 事项详情 and its confirmation dialog', async ({ page }) => {
  await openApp(page, '/items/7', 'item-detail-view')
  await expect(page.getByTestId('item-title')).toBeVisible()
  await expectNoAxeViolations(page, '事项详情')
  await page.getByTestId('complete-button').click()
  await expect(page.getByRole('alertdialog')).toBeVisible()
  await expectNoAxeViolations(page, '确认办结 dialog')
})

test('axe: 发起事项 empty, with errors, advanced open, contact sheet open', async ({ page }) => {
  await openApp(page, '/items/new', 'item-create-view')
  await expectNoAxeViolations(page, '发起事项')
  await page.getByTestId('submit-button').click()
  await expect(page.getByTestId('title-input').getByText('请填写标题')).toBeVisible()
  await page.getByTestId('advanced-settings').getByText('高级设置').click()
  await expect(page.getByTestId('urgent-switch')).toBeVisible()
  await expectNoAxeViolations(page, '发起事项 with errors, 高级设置 open')
  await page.getByTestId('assignee-picker').click()
  await expect(page.getByTestId('contact-option-lisi')).toBeVisible()
  await expectNoAxeViolations(page, 'contact sheet')
})
