/**
 * 走查与兼容性测试 (DB31DSJ/Z 003 §6.2.5, §6.2.6), the core's part: on each device of
 * devices.ts, log in through the platform, see the first-use guide and visit every page of
 * the core (walk.ts screenshots and checks each). Each feature walks its own flow in
 * src/features/<name>/tests/walkthrough/.
 */
import { expect, test } from '@playwright/test'

import { PORTAL, walkFor } from './walk'

test('walks every page of the core', async ({ browser }, testInfo) => {
  const walk = walkFor(browser, testInfo, 'core')
  const userid = walk.device.inClient ? 'zhangwei' : 'wangfang'
  await walk.run(async () => {
    // A first visit: the guide, then every page.
    const person = await walk.newPerson()
    await walk.login(person, userid)
    if (walk.device.portal) await person.page.goto(`${PORTAL()}/?route=%2F`)
    let app = await walk.target(person)
    await expect(app.getByTestId('first-use-guide')).toBeVisible()
    await walk.shoot(person, app, 'guide', '首次使用引导')
    await app.getByTestId('guide-dismiss').click()

    for (const [hash, view, page, label] of [
      ['/', 'home-view', 'home', '工作台'],
      ['/messages', 'messages-view', 'messages', '消息'],
      ['/me', 'profile-view', 'profile', '我的'],
      ['/no-such-page', 'not-found-view', 'not-found', '页面不存在'],
    ]) {
      app = await walk.open(person, hash, view, page, label)
      await walk.shoot(person, app, page, label)
    }
  })
})
