import { expect, JSSDK_URL, openApp, test } from './support'

// The platform's jweixin is loaded only by a page that uses the JS-SDK, and only inside the
// client; the core's pages never need it. (A feature's pages that do are tested in its slice.)
test('outside the client the platform script is never loaded', async ({ page }) => {
  const scripts: string[] = []
  page.on('request', (request) => {
    if (request.resourceType() === 'script') scripts.push(request.url())
  })
  await openApp(page, '/', 'home-view')
  await page.getByTestId('tab-messages').click()
  await expect(page.getByTestId('message-list')).toBeVisible()
  await page.getByTestId('tab-profile').click()
  await expect(page.getByTestId('masked-mobile')).toBeVisible()
  expect(scripts.filter((url) => url.startsWith(JSSDK_URL))).toEqual([])
})
