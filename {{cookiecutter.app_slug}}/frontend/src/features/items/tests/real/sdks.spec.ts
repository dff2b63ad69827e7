/**
 * 事项 on either JS SDK against the simulated client: the app picks an assignee with the
 * platform's picker, unchanged, on @wecom/jssdk (the default) and on a platform-hosted
 * jweixin 1.6. The SDKs on a bare page are tested by the core (tests/real/sdks-against-shim.spec.ts).
 */
import { expect, test } from '@playwright/test'

import { APP, JWEIXIN_16, loginAndOpen, pickContact, SIM } from '../../../../../tests/real/support'

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'phone-client', 'the SDKs run inside the platform client only')
})

for (const sdk of ['@wecom/jssdk', 'jweixin 1.6'] as const) {
  test(`the app picks an assignee with the platform picker, unchanged, on ${sdk}`, async ({ page }) => {
    if (sdk === 'jweixin 1.6') {
      // A platform that hosts its own jweixin: its script defines wx on top of the bridge.
      await page.route(`${SIM()}/jssdk/jweixin.js`, async (route) => {
        const bridge = await (await route.fetch()).text()
        await route.fulfill({ contentType: 'application/javascript', body: `${bridge}\n${JWEIXIN_16}` })
      })
      await page.route('https://open.weixin.qq.com/**', (route) => route.abort())
    }
    await loginAndOpen(page, `${APP()}/#/items/new`, 'zhangwei')
    await page.getByTestId('assignee-picker').click()
    await pickContact(page, 'lina')
    await expect(page.getByTestId('assignee-value')).toHaveText('李娜')
    const wecomLoaded = await page.evaluate(() =>
      performance.getEntriesByType('resource').some((entry) => /\/assets\/wecom\.prod-/.test(entry.name)),
    )
    expect(wecomLoaded).toBe(sdk === '@wecom/jssdk')
  })
}
