/**
 * The main flow against the real backend and the platform simulator (DB31DSJ/Z 003
 * §6.2.4 b, f; §6.3.3; Appendix D): log in through the platform's page, create an item
 * and pick the assignee, the todo reaches the platform, the assignee opens it from the
 * todo's link and completes it after a confirmation, and the creator gets the message.
 * Every page is checked for red, horizontal overflow and console errors (CSP violations).
 */
import { expect, test, type Browser, type BrowserContextOptions, type Page, type TestInfo } from '@playwright/test'

import { expectNoHorizontalOverflow, expectNoRed, measureToast, TOAST_LIMIT_MS } from '../e2e/support'

const APP = () => process.env.REAL_APP_URL!
const SIM = () => process.env.REAL_SIM_URL!

interface Todo {
  task_num: string
  status: number
  fields: { taskName: string; receiver: string; sender: string; linkUrl: string; mobileLinkUrl: string; type: number }
}

async function todoNamed(title: string): Promise<Todo | undefined> {
  const { todos } = (await (await fetch(`${SIM()}/_sim/todos`)).json()) as { todos: Todo[] }
  return todos.find((todo) => todo.fields.taskName === title)
}

/** Poll the simulator (the relay delivers in the background) — bounded, no fixed sleeps. */
async function eventually<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  let value: T | undefined
  await expect.poll(async () => (value = await probe()) !== undefined, { message: what, timeout: 15_000 }).toBe(true)
  return value!
}

/** Console errors other than the 401s the app gets before it sends the browser to log in. */
function watchConsole(page: Page): string[] {
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of 401/.test(message.text())) errors.push(message.text())
  })
  page.on('pageerror', (error) => errors.push(String(error)))
  return errors
}

async function newPerson(browser: Browser, testInfo: TestInfo): Promise<{ page: Page; errors: string[] }> {
  const { viewport, userAgent, isMobile, hasTouch, deviceScaleFactor, locale } = testInfo.project.use
  const options: BrowserContextOptions = { viewport, userAgent, isMobile, hasTouch, deviceScaleFactor, locale }
  const page = await (await browser.newContext(options)).newPage()
  return { page, errors: watchConsole(page) }
}

/** Open `url` of the app; the app sends us to the platform's login page; pick `userid`. */
async function loginAndOpen(page: Page, url: string, userid: string): Promise<void> {
  await page.goto(url)
  await page.waitForURL((current) => current.href.startsWith(SIM()))
  await page.getByTestId(`sim-user-${userid}`).click()
  await page.waitForURL((current) => current.href.startsWith(APP()))
  const guide = page.getByTestId('guide-dismiss')
  if (await guide.isVisible({ timeout: 2_000 }).catch(() => false)) await guide.click()
}

async function checkPage(page: Page): Promise<void> {
  await expectNoRed(page)
  await expectNoHorizontalOverflow(page)
  // §6.3.6 e: at most 5 levels; the route says how deep we are.
  const depth = new URL(page.url()).hash.split('/').filter(Boolean).length - 1
  expect(depth).toBeLessThanOrEqual(5)
}

test('an item goes from creator to assignee and back through the platform', async ({ browser }, testInfo) => {
  const inClient = testInfo.project.name === 'phone-client'
  const [creatorId, assigneeId, assigneeName] = inClient ? ['zhangwei', 'lina', '李娜'] : ['wangfang', 'liuyang', '刘洋']
  const title = `${inClient ? '手机' : '网页'}核对${Date.now() % 100000}`

  // The creator logs in through the platform and creates the item.
  const creator = await newPerson(browser, testInfo)
  await loginAndOpen(creator.page, `${APP()}/`, creatorId)
  await expect(creator.page.getByTestId('home-view')).toBeVisible()
  await checkPage(creator.page)
  await creator.page.getByTestId('create-item-button').click()
  await creator.page.getByTestId('title-input').locator('input, textarea').first().fill(title)
  await creator.page.getByTestId('description-input').locator('input, textarea').first().fill('请于本周内完成')
  await checkPage(creator.page)
  await creator.page.getByTestId('assignee-picker').click()
  if (inClient) {
    // The platform client's own contact picker, through the JS-SDK (wx.invoke).
    await creator.page.getByTestId(`sim-contact-${assigneeId}`).click()
    await creator.page.getByTestId('sim-contact-confirm').click()
  } else {
    // Outside the client: the app's own list of the synced contacts.
    await creator.page.getByTestId('contact-search').fill(assigneeName)
    await creator.page.getByTestId(`contact-option-${assigneeId}`).click()
  }
  await expect(creator.page.getByTestId('assignee-value')).toHaveText(assigneeName)
  await creator.page.getByTestId('submit-button').click()
  await creator.page.waitForURL(/#\/items\/\d+$/)
  const itemUrl = creator.page.url()

  // The platform received a 办件 for the assignee, linking back to the item (§6.2.4 f).
  const todo = await eventually(() => todoNamed(title), 'the todo reaches the platform')
  expect(todo.fields.receiver).toBe(assigneeId)
  expect(todo.fields.sender).toBe(creatorId)
  expect(todo.fields.type).toBe(0)
  expect(todo.fields.mobileLinkUrl).toBe(itemUrl)
  expect(todo.fields.linkUrl).toBe(itemUrl)

  // The assignee opens the todo's link, logs in, and completes after confirming.
  const assignee = await newPerson(browser, testInfo)
  await loginAndOpen(assignee.page, todo.fields.mobileLinkUrl, assigneeId)
  await expect(assignee.page.getByTestId('item-title')).toHaveText(title)
  await checkPage(assignee.page)
  await assignee.page.getByTestId('complete-button').click()
  const dialog = assignee.page.locator('.van-dialog')
  await expect(dialog).toBeVisible() // 附录 D: important operations are confirmed twice
  await checkPage(assignee.page)
  const toast = await measureToast(assignee.page, () => dialog.locator('.van-dialog__confirm').click())
  expect(toast.ms).toBeLessThanOrEqual(TOAST_LIMIT_MS)
  await expect(assignee.page.getByTestId('item-status')).toHaveText('已办结')

  // The platform's todo is done, and the creator sees the message with an unread count.
  await eventually(async () => ((await todoNamed(title))?.status === 1 ? true : undefined), 'the todo is done')
  await creator.page.goto(`${APP()}/#/messages`)
  await expect(creator.page.getByTestId('messages-view')).toBeVisible()
  await expect(creator.page.getByTestId('message-list')).toContainText(title)
  await checkPage(creator.page)

  expect(creator.errors, 'console errors or CSP violations (creator)').toEqual([])
  expect(assignee.errors, 'console errors or CSP violations (assignee)').toEqual([])
})
