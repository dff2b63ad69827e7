/**
 * Start-up: an address change while the first page is still loading is followed, not lost
 * (vue-router listens only after its first navigation; src/router/index.ts catches it).
 */
import { expect, openApp, test } from './support'

test('a hash change while the first (lazy) page loads opens the new page', async ({ page }) => {
  // Hold the not-found page's chunk until the address has changed.
  let release!: () => void
  const released = new Promise<void>((resolve) => (release = resolve))
  let held = false
  await page.route(/\/assets\/NotFoundView-[^/]*\.js$/, async (route) => {
    held = true
    await released
    await route.continue()
  })
  await page.goto('/#/no-such-start')
  await expect.poll(() => held).toBe(true)
  await page.evaluate(() => (window.location.hash = '#/messages'))
  release()
  await expect(page.getByTestId('messages-view')).toBeVisible()
  expect(new URL(page.url()).hash).toBe('#/messages')
  await expect(page.getByTestId('not-found-view')).toHaveCount(0)
})

test('the first page stays when nothing changes the address', async ({ page }) => {
  await openApp(page, '/no-such-start', 'not-found-view')
  expect(new URL(page.url()).hash).toBe('#/no-such-start')
})
