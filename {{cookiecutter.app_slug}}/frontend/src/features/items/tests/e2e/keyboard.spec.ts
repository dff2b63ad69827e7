/**
 * A keyboard-only user creates an item and completes one (WCAG 2.1.1, 2.1.2, 2.4.3, 2.4.7):
 * no mouse, no tap; every stop shows a focus ring; dialogs and the sheet keep and return focus.
 */
import { focusedElement, focusRing, tabTo } from '../../../../../tests/e2e/axe'
import { expect, openApp, test } from '../../../../../tests/e2e/support'

test('creates an item and completes one with the keyboard alone', async ({ page, api }, testInfo) => {
  test.skip(testInfo.project.name !== 'pc', 'a keyboard: the PC client and the web portal')
  await openApp(page, '/', 'home-view')
  await expect(page.getByTestId('item-list-todo')).toBeVisible()

  // 工作台 → 发起事项: focus lands on the new page's h1.
  await tabTo(page, 'create-item-button')
  expect((await focusRing(page)).width).toBeGreaterThanOrEqual(2)
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('item-create-view')).toBeVisible()
  await expect.poll(() => focusedElement(page)).toMatchObject({ tag: 'h1', text: '发起事项' })
  await expect(page.getByTestId('announcer')).toHaveText('发起事项')

  // Submitting empty: the first field with an error gets focus and says why.
  await tabTo(page, 'submit-button')
  await page.keyboard.press('Enter')
  const title = page.getByTestId('title-input').locator('input')
  await expect(title).toBeFocused()
  await expect(title).toHaveAttribute('aria-invalid', 'true')
  await expect(title).toHaveAttribute('aria-required', 'true')
  await expect(page.getByTestId('announcer')).toContainText('请填写标题')

  await page.keyboard.type('键盘发起的事项')
  await tabTo(page, 'assignee-picker')
  await page.keyboard.press('Enter')
  // The contact sheet: focus inside, Escape closes it and focus goes back to the trigger.
  await expect(page.getByTestId('contact-option-lisi')).toBeVisible()
  await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('.contact-sheet'))).toBe(true)
  await page.keyboard.press('Escape')
  await expect(page.getByTestId('contact-option-lisi')).toBeHidden()
  await expect(page.getByTestId('assignee-picker')).toBeFocused()
  await page.keyboard.press('Enter')
  await tabTo(page, 'contact-option-lisi')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('assignee-value')).toHaveText('李四')
  await expect(page.getByTestId('assignee-picker')).toBeFocused()

  // 高级设置 opens with Enter, 紧急 switches with Space.
  await tabTo(page, 'advanced-settings')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('advanced-settings')).toHaveAttribute('aria-expanded', 'true')
  await tabTo(page, 'urgent-switch')
  await page.keyboard.press('Space')
  await expect(page.getByTestId('urgent-switch')).toHaveAttribute('aria-checked', 'true')

  await tabTo(page, 'submit-button')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('item-detail-view')).toBeVisible()
  await expect(page.getByTestId('item-title')).toHaveText('键盘发起的事项')
  const [created] = api.requestsTo('POST', '/api/items')
  expect(created.body).toMatchObject({ title: '键盘发起的事项', assignee_userid: 'lisi', priority: 'urgent' })

  // Back to 工作台 and complete 事项 7: the confirmation traps focus, starts on 取消.
  await tabTo(page, 'back-button')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('home-view')).toBeVisible()
  await tabTo(page, 'item-card-7')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('item-title')).toBeVisible()
  await tabTo(page, 'complete-button')
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('alertdialog', { name: '确认办结' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('button', { name: '取消' })).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(dialog.getByRole('button', { name: '确认办结' })).toBeFocused()
  await page.keyboard.press('Tab')
  await expect(dialog.getByRole('button', { name: '取消' })).toBeFocused()
  await page.keyboard.press('Shift+Tab')
  await page.keyboard.press('Enter')
  await expect(page.getByTestId('item-status')).toHaveText('已办结')
  expect(api.requestsTo('POST', '/api/items/7/complete')).toHaveLength(1)
})

test('Escape cancels the confirmation and focus returns to 办结事项', async ({ page, api }) => {
  await openApp(page, '/items/7', 'item-detail-view')
  await page.getByTestId('complete-button').focus()
  await page.keyboard.press('Enter')
  await expect(page.getByRole('alertdialog', { name: '确认办结' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('alertdialog')).toBeHidden()
  await expect(page.getByTestId('complete-button')).toBeFocused()
  expect(api.requestsTo('POST', '/api/items/7/complete')).toHaveLength(0)
})

test('the 待我办理 / 我发起的 boxes are tabs: one Tab stop, the arrow keys switch', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== 'pc', 'a keyboard: the PC client and the web portal')
  await openApp(page, '/', 'home-view')
  await expect(page.getByTestId('item-list-todo')).toBeVisible()
  await tabTo(page, 'box-todo')
  // Tab skips 我发起的 (not selected) and goes on to 发起事项; Shift+Tab comes back.
  await page.keyboard.press('Tab')
  await expect(page.getByTestId('create-item-button')).toBeFocused()
  await page.keyboard.press('Shift+Tab')
  await expect(page.getByTestId('box-todo')).toBeFocused()

  await page.keyboard.press('ArrowRight')
  await expect(page.getByTestId('box-created')).toBeFocused()
  await expect(page.getByTestId('box-created')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByRole('tabpanel', { name: '我发起的' }).getByTestId('item-card-9')).toBeVisible()
  expect(page.url()).toContain('box=created')
  await page.keyboard.press('ArrowRight')
  await expect(page.getByTestId('box-todo')).toBeFocused()
  await expect(page.getByRole('tabpanel', { name: '待我办理' }).getByTestId('item-card-7')).toBeVisible()
  await page.keyboard.press('End')
  await expect(page.getByTestId('box-created')).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('Home')
  await expect(page.getByTestId('box-todo')).toHaveAttribute('aria-selected', 'true')
  await expect(page.getByTestId('box-todo')).toBeFocused()
})
