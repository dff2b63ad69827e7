/**
 * 事项 on 工作台 against the real backend: the todo list comes with a logged-in user's
 * index.html (the backend's first-screen block), so it shows with no API round trip; with the
 * build's first-screen template it is in the HTML itself (prerender.py, first_screen.py), so
 * it shows before any script runs, and the app takes it over without moving it.
 */
import { expect, test, type Page } from '@playwright/test'

import { APP, loginAndOpen, watchRequests } from '../../../../../tests/real/support'

test('the landing page comes with its list and runs nothing from it', async ({ page }, testInfo) => {
  const [userid, name] = testInfo.project.name === 'phone-client' ? ['zhaolei', '赵磊'] : ['sunli', '孙丽']
  await loginAndOpen(page, `${APP()}/`, userid)
  await expect(page.getByTestId('home-view')).toBeVisible()
  const me = (await (await page.request.get(`${APP()}/api/me`)).json()) as { csrf_token: string }
  const title = `首屏数据核对${Date.now() % 100000}`
  const created = await page.request.post(`${APP()}/api/items`, {
    headers: { 'X-CSRF-Token': me.csrf_token },
    data: { title, assignee_userid: userid },
  })
  expect(created.status()).toBe(201)

  const { problems, apiCalls } = await watchRequests(page)

  const answer = await page.goto(`${APP()}/`)
  expect(answer?.headers()['cache-control']).toBe('no-store')
  await expect(page.getByTestId('item-list-todo')).toContainText(title)
  await expect(page.getByTestId('greeting')).toHaveText(`${name}，您好`)
  await expect(page.locator('script#first-screen')).toHaveCount(1)
  expect(apiCalls).toEqual([])
  expect(problems, 'console errors or CSP violations').toEqual([])
})

/** Log in, dismiss the guide, give the user a todo whose title is `title`; returns the item's id. */
async function withTodo(page: Page, userid: string, title: string): Promise<number> {
  await loginAndOpen(page, `${APP()}/`, userid)
  await expect(page.getByTestId('home-view')).toBeVisible()
  const me = (await (await page.request.get(`${APP()}/api/me`)).json()) as { csrf_token: string }
  const created = await page.request.post(`${APP()}/api/items`, {
    headers: { 'X-CSRF-Token': me.csrf_token },
    data: { title, assignee_userid: userid, priority: 'urgent' },
  })
  expect(created.status()).toBe(201)
  return ((await created.json()) as { item: { id: number } }).item.id
}

test('with JavaScript off the landing page still shows the greeting and the list, escaped', async ({ page, browser }, testInfo) => {
  const [userid, name] = testInfo.project.name === 'phone-client' ? ['zhaolei', '赵磊'] : ['sunli', '孙丽']
  // A title that would run, or end the markup, were it not escaped (frontend.py, prerender.py).
  const title = `<script>x</script> & <b>报表</b>${Date.now() % 100000}`
  const id = await withTodo(page, userid, title)

  const { viewport, userAgent, isMobile, hasTouch, deviceScaleFactor } = testInfo.project.use
  const noScript = await browser.newContext({
    javaScriptEnabled: false, storageState: await page.context().storageState(),
    viewport, userAgent, isMobile, hasTouch, deviceScaleFactor,
  })
  try {
    const plain = await noScript.newPage()
    await plain.goto(`${APP()}/`)
    await expect(plain.getByTestId('greeting')).toHaveText(`${name}，您好`)
    const card = plain.getByTestId(`item-card-${id}`)
    await expect(card.locator('.item-card__title')).toHaveText(title)
    await expect(card.getByTestId('item-urgent')).toHaveText('紧急')
    await expect(card).toHaveAttribute('href', `#/items/${id}`)
    await expect(plain.getByTestId('todo-count')).toBeVisible()
    await expect(plain.getByTestId('tabbar')).toBeVisible()
    // Nothing of the title became markup: no element from it, in the card or anywhere.
    await expect(plain.locator('#app b, #app script')).toHaveCount(0)
    // Styled as the app styles it (its stylesheets, scoped attributes and all).
    expect(await card.evaluate((element) => getComputedStyle(element).display)).toBe('block')
  } finally {
    await noScript.close()
  }
})

test('the app takes over the server-drawn first screen without moving anything', async ({ page }, testInfo) => {
  const userid = testInfo.project.name === 'phone-client' ? 'zhaolei' : 'sunli'
  await withTodo(page, userid, `接管前后不动${Date.now() % 100000}`)

  // Hold the scripts back: first the server's HTML alone, then the app over it.
  let release = () => {}
  const released = new Promise<void>((resolve) => (release = resolve))
  await page.route('**/assets/*.js', async (route) => {
    await released
    await route.continue()
  })
  await page.addInitScript(() => {
    const shifts: number[] = ((window as unknown as { shifts: number[] }).shifts = [])
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries() as Array<PerformanceEntry & { value: number; hadRecentInput: boolean }>) {
        if (!entry.hadRecentInput) shifts.push(entry.value)
      }
    }).observe({ type: 'layout-shift', buffered: true })
  })
  await page.goto(`${APP()}/`, { waitUntil: 'commit' })
  const boxes = () =>
    page.evaluate(() =>
      Array.from(document.querySelectorAll('#app [data-testid]')).map((element) => {
        const { x, y, width, height } = element.getBoundingClientRect()
        return { id: element.getAttribute('data-testid'), text: (element as HTMLElement).innerText, box: [x, y, width, height].map(Math.round) }
      }),
    )
  await expect(page.getByTestId('item-list-todo')).toBeVisible()
  const before = await boxes()
  // An element of the server's markup: the app's mount replaces it.
  await page.evaluate(() => ((window as unknown as { drawn: Element | null }).drawn = document.querySelector('[data-testid="greeting"]')))

  release()
  await expect
    .poll(() => page.evaluate(() => (window as unknown as { drawn: Element | null }).drawn !== document.querySelector('[data-testid="greeting"]')))
    .toBe(true)
  await page.waitForLoadState('networkidle')
  const after = (await boxes()).filter((entry) => entry.id !== 'announcer')
  expect(after).toEqual(before.filter((entry) => entry.id !== 'announcer'))
  const shift = await page.evaluate(() => (window as unknown as { shifts: number[] }).shifts.reduce((sum, value) => sum + value, 0))
  expect(shift).toBeLessThanOrEqual(0.02)
})
