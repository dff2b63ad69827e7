/** The pages of 事项: 事项详情 and 发起事项, and a message that leads to an item. */
import {
  expect,
  expectNoHorizontalOverflow,
  expectNoRed,
  measureToast,
  openApp,
  test,
  TOAST_LIMIT_MS,
} from '../../../../../tests/e2e/support'

import { NEW_ITEM_MESSAGE } from './mock-api'

for (const { name, hash, view, ready, title } of [
  { name: '事项详情', hash: '/items/7', view: 'item-detail-view', ready: 'item-title', title: '事项详情 - 协同办公' },
  { name: '发起事项', hash: '/items/new', view: 'item-create-view', ready: 'title-input', title: '发起事项 - 协同办公' },
]) {
  test(`${name} renders without red or horizontal overflow`, async ({ page }) => {
    await openApp(page, hash, view)
    await expect(page.getByTestId(ready)).toBeVisible()
    await expect(page).toHaveTitle(title)
    await expectNoRed(page)
    await expectNoHorizontalOverflow(page)
  })
}

test.describe('事项详情', () => {
  test('completes an item after a second confirmation, with a short toast', async ({ page, api }) => {
    await openApp(page, '/items/7', 'item-detail-view')
    await page.getByTestId('complete-button').click()

    // The confirmation comes first; nothing is sent before it.
    const dialog = page.locator('.van-dialog')
    await expect(dialog).toContainText('确认办结')
    expect(api.requestsTo('POST', '/api/items/7/complete')).toHaveLength(0)
    await expectNoRed(page)

    const toast = await measureToast(page, () => dialog.getByRole('button', { name: '确认办结' }).click())
    expect(toast.text).toBe('已办结')
    expect(toast.ms).toBeLessThanOrEqual(TOAST_LIMIT_MS)

    await expect(page.getByTestId('item-status')).toHaveText('已办结')
    await expect(page.getByTestId('complete-button')).toHaveCount(0)
    const [request] = api.requestsTo('POST', '/api/items/7/complete')
    expect(request.headers['x-csrf-token']).toBe('csrf-e2e-token')
  })

  test('sends nothing when the confirmation is cancelled', async ({ page, api }) => {
    await openApp(page, '/items/7', 'item-detail-view')
    await page.getByTestId('complete-button').click()
    await page.locator('.van-dialog').getByRole('button', { name: '取消' }).click()
    await expect(page.locator('.van-dialog')).toBeHidden()
    expect(api.requestsTo('POST', '/api/items/7/complete')).toHaveLength(0)
    await expect(page.getByTestId('item-status')).toHaveText('办理中')
  })

  test('shows the server’s message for an item that does not exist', async ({ page, allowConsoleErrors }) => {
    allowConsoleErrors(/status of 404/)
    await openApp(page, '/items/404', 'item-detail-view')
    await expect(page.getByTestId('error-title')).toHaveText('事项不存在')
    await expect(page.getByTestId('retry-button')).toHaveCount(0)
  })

  test('offers no chat outside the platform client', async ({ page }) => {
    await openApp(page, '/items/7', 'item-detail-view')
    await expect(page.getByTestId('item-title')).toBeVisible()
    await expect(page.getByTestId('chat-button')).toHaveCount(0)
  })
})

test.describe('发起事项', () => {
  test('explains missing input without red and sends nothing', async ({ page, api }) => {
    await openApp(page, '/items/new', 'item-create-view')
    await page.getByTestId('submit-button').click()
    const errors = page.locator('.van-field__error-message')
    await expect(errors.filter({ hasText: '请填写标题' })).toBeVisible()
    await expect(errors.filter({ hasText: '请选择办理人' })).toBeVisible()
    expect(api.requestsTo('POST', '/api/items')).toHaveLength(0)
    await expectNoRed(page)
  })

  test('creates an item with the contact list outside the client', async ({ page, api }) => {
    await openApp(page, '/items/new', 'item-create-view')
    await page.getByTestId('title-input').locator('input').fill('整理二季度会议纪要')
    await page.getByTestId('description-input').locator('textarea').fill('请汇总四月至六月的部门例会纪要。')

    await page.getByTestId('assignee-picker').click()
    await expect(page.getByTestId('contact-picker')).toBeVisible()
    await page.getByTestId('contact-search').fill('王')
    await expect(page.getByTestId('contact-option-lisi')).toHaveCount(0)
    await page.getByTestId('contact-option-wangwu').click()
    await expect(page.getByTestId('contact-picker')).toBeHidden()
    await expect(page.getByTestId('assignee-value')).toHaveText('王五')

    // Due date and priority are folded under 高级设置 (附录 D).
    await expect(page.getByTestId('due-date-input')).toBeHidden()
    await page.getByTestId('advanced-settings').getByText('高级设置').click()
    await page.getByTestId('due-date-input').fill('2099-12-31')
    await page.getByTestId('urgent-switch').click()
    await expectNoRed(page)

    const toast = await measureToast(page, () => page.getByTestId('submit-button').click())
    expect(toast.text).toBe('已发起，已通知办理人')
    expect(toast.ms).toBeLessThanOrEqual(TOAST_LIMIT_MS)

    await expect(page.getByTestId('item-title')).toHaveText('整理二季度会议纪要')
    expect(page.url()).toMatch(/#\/items\/100$/)
    const [request] = api.requestsTo('POST', '/api/items')
    expect(request.body).toEqual({
      title: '整理二季度会议纪要',
      description: '请汇总四月至六月的部门例会纪要。',
      assignee_userid: 'wangwu',
      due_date: '2099-12-31',
      priority: 'urgent',
    })
    expect(request.headers['x-csrf-token']).toBe('csrf-e2e-token')
    expect(request.headers['content-type']).toContain('application/json')
  })

  test('shows the server’s field errors', async ({ page, api, allowConsoleErrors }) => {
    allowConsoleErrors(/status of 400/)
    api.on('POST', /^\/api\/items$/, {
      status: 400,
      body: { error: { status: 400, title: '参数有误', message: '请检查填写的内容。', fields: { title: '标题与已有事项重复' } } },
    })
    await openApp(page, '/items/new', 'item-create-view')
    await page.getByTestId('title-input').locator('input').fill('重复的标题')
    await page.getByTestId('assignee-picker').click()
    await page.getByTestId('contact-option-lisi').click()
    await page.getByTestId('submit-button').click()
    await expect(page.locator('.van-field__error-message', { hasText: '标题与已有事项重复' })).toBeVisible()
    expect(page.url()).toMatch(/#\/items\/new$/)
  })
})

test.describe('消息', () => {
  test('opens the item a message is about', async ({ page, api }) => {
    api.data.messages.unshift({ ...NEW_ITEM_MESSAGE })
    await openApp(page, '/messages', 'messages-view')
    await page.getByTestId(`message-${NEW_ITEM_MESSAGE.id}`).click()
    await expect(page.getByTestId('item-title')).toHaveText('报送第一季度安全生产检查材料')
    expect(api.requestsTo('POST', `/api/messages/${NEW_ITEM_MESSAGE.id}/read`)).toHaveLength(1)
  })
})
