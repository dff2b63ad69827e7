/**
 * 走查 of 事项's main flow (DB31DSJ/Z 003 §6.2.5, §6.2.6) on each device: create an item and
 * pick the assignee, then the assignee opens it from the todo's link and completes it after
 * the confirmation — each step screenshot and checked (frontend/tests/walkthrough/walk.ts).
 */
import { expect, test } from '@playwright/test'

import { PORTAL, walkFor } from '../../../../../tests/walkthrough/walk'

test('walks the main flow of 事项: 发起, 办理, 办结', async ({ browser }, testInfo) => {
  const walk = walkFor(browser, testInfo, 'items')
  const { device } = walk
  const [creatorId, assigneeId, assigneeName] = device.inClient ? ['zhangwei', 'lina', '李娜'] : ['wangfang', 'liuyang', '刘洋']
  const title = `${device.label}走查${Date.now() % 100000}`
  await walk.run(async () => {
    // The creator: a new item.
    const creator = await walk.newPerson()
    await walk.login(creator, creatorId)
    if (device.portal) await creator.page.goto(`${PORTAL()}/?route=%2F`)
    await walk.dismissGuide(await walk.target(creator))

    let app = await walk.open(creator, '/items/new', 'item-create-view', 'create', '发起事项')
    await walk.shoot(creator, app, 'create', '发起事项')
    await app.getByTestId('title-input').locator('input, textarea').first().fill(title)
    await app.getByTestId('description-input').locator('input, textarea').first().fill('请于本周内完成核对，并在系统中办结。')
    await app.getByTestId('assignee-picker').click()
    if (device.inClient) {
      await expect(app.getByTestId(`sim-contact-${assigneeId}`)).toBeVisible()
      await walk.shoot(creator, app, 'pick-assignee', '选择办理人（平台通讯录）')
      await app.getByTestId(`sim-contact-${assigneeId}`).click()
      await app.getByTestId('sim-contact-confirm').click()
    } else {
      await app.getByTestId('contact-search').fill(assigneeName)
      await expect(app.getByTestId(`contact-option-${assigneeId}`)).toBeVisible()
      await walk.shoot(creator, app, 'pick-assignee', '选择办理人（本应用通讯录）')
      await app.getByTestId(`contact-option-${assigneeId}`).click()
    }
    await expect(app.getByTestId('assignee-value')).toHaveText(assigneeName)
    await walk.shoot(creator, app, 'create-filled', '发起事项（已填写）')
    creator.step = { page: 'created', label: '事项详情（发起人）' }
    await app.getByTestId('submit-button').click()
    await expect(app.getByTestId('item-title')).toHaveText(title)
    await walk.shoot(creator, app, 'created', '事项详情（发起人）')
    const itemHash = new URL(app.url()).hash.slice(1)

    // The assignee opens the item (the todo's link) and completes it after confirming.
    const assignee = await walk.newPerson()
    await walk.login(assignee, assigneeId, itemHash)
    if (device.portal) await assignee.page.goto(`${PORTAL()}/?route=${encodeURIComponent(itemHash)}`)
    app = await walk.target(assignee)
    await walk.dismissGuide(app)
    app = await walk.open(assignee, itemHash, 'item-detail-view', 'todo', '从待办打开的事项（办理人）')
    await expect(app.getByTestId('item-title')).toHaveText(title)
    await walk.shoot(assignee, app, 'todo', '从待办打开的事项（办理人）')
    await app.getByTestId('complete-button').click()
    const dialog = app.locator('.van-dialog')
    await expect(dialog).toBeVisible()
    // Screenshot the dialog once it has finished sliding in, not half-transparent.
    await dialog.evaluate((element) => Promise.all(element.getAnimations({ subtree: true }).map((a) => a.finished)))
    await walk.shoot(assignee, app, 'confirm', '办结前二次确认')
    await app.locator('.van-dialog__confirm').click()
    await expect(app.getByTestId('item-status')).toHaveText('已办结')
    await expect(app.locator('.van-dialog')).toBeHidden()
    await walk.shoot(assignee, app, 'done', '已办结')
  })
})
