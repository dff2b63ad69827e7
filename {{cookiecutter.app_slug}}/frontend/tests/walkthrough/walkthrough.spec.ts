/**
 * 走查与兼容性测试 (DB31DSJ/Z 003 §6.2.5, §6.2.6): on each device of devices.ts, log in through
 * the platform, visit every page, create an item, let the assignee complete it after the
 * confirmation — screenshot each step and check each page for horizontal overflow, text cut
 * off, tap targets under 44 px (touch devices), console errors, CSP violations and slow loads.
 */
import { expect, test, type Browser, type BrowserContextOptions, type Frame, type Page, type TestInfo } from '@playwright/test'
import { join } from 'node:path'

import { DEVICES, type Device } from './devices'
import { saveDeviceResult, SHOTS_DIR, type DeviceResult, type FailureKind } from './gallery'

const APP = () => process.env.REAL_APP_URL!
const SIM = () => process.env.REAL_SIM_URL!
const PORTAL = () => process.env.WALKTHROUGH_PORTAL_URL!
const READY_BUDGET_MS = 2000 // §6.3.6 d 页面数据展示延时不宜超过 2 秒
const LOAD_BUDGET_MS = 5000 // §6.3.3 a 页面加载时间应小于 5 秒
const MIN_TAP_PX = 44

interface Person {
  page: Page
  step: { page: string; label: string }
}

class Walk {
  readonly result: DeviceResult
  private shotNumber = 0

  constructor(readonly device: Device, private readonly browser: Browser, private readonly testInfo: TestInfo) {
    this.result = { device: device.id, shots: [], failures: [] }
  }

  fail(person: Person | null, kind: FailureKind, detail: string, step = person?.step): void {
    const where = step ?? { page: 'login', label: '登录' }
    const duplicate = this.result.failures.some(
      (failure) => failure.kind === kind && failure.page === where.page && failure.detail === detail,
    )
    if (!duplicate) this.result.failures.push({ device: this.device.id, page: where.page, label: where.label, kind, detail })
  }

  async newPerson(): Promise<Person> {
    const { viewport, userAgent, isMobile, hasTouch, deviceScaleFactor, locale } = this.testInfo.project.use
    const options: BrowserContextOptions = { viewport, userAgent, isMobile, hasTouch, deviceScaleFactor, locale }
    const page = await (await this.browser.newContext(options)).newPage()
    const person: Person = { page, step: { page: 'login', label: '登录' } }
    page.on('console', (message) => {
      const text = message.text()
      if (message.type() !== 'error' || /status of 401/.test(text)) return
      const csp = /Content Security Policy|frame-ancestors/i.test(text)
      this.fail(person, csp ? 'csp-violation' : 'console-error', text.slice(0, 300))
    })
    page.on('pageerror', (error) => this.fail(person, 'console-error', String(error).slice(0, 300)))
    return person
  }

  /** Log in through the platform's page as `userid`, landing on `hash`. */
  async login(person: Person, userid: string, hash = '/'): Promise<void> {
    await person.page.goto(`${APP()}/#${hash}`)
    await person.page.waitForURL((url) => url.href.startsWith(SIM()))
    await person.page.getByTestId(`sim-user-${userid}`).click()
    await person.page.waitForURL((url) => url.href.startsWith(APP()))
  }

  /** Where the app runs: the page itself, or the portal's iframe. */
  async target(person: Person): Promise<Page | Frame> {
    if (!this.device.portal) return person.page
    const frame = await (await person.page.locator('[data-testid=portal-frame]').elementHandle())!.contentFrame()
    return frame!
  }

  /** Open `hash` with a full page load (through the portal when it frames the app). */
  async open(person: Person, hash: string, viewTestId: string, page: string, label: string): Promise<Page | Frame> {
    person.step = { page, label }
    const started = Date.now()
    const url = this.device.portal
      ? `${PORTAL()}/?route=${encodeURIComponent(hash)}`
      : `${APP()}/?walk=${page}#${hash}`
    await person.page.goto(url)
    const target = await this.target(person)
    await expect(target.getByTestId(viewTestId)).toBeVisible({ timeout: 15_000 })
    await this.measure(person, target, Date.now() - started)
    return target
  }

  async measure(person: Person, target: Page | Frame, readyMs: number): Promise<void> {
    (person as Person & { readyMs?: number }).readyMs = readyMs
    if (readyMs > READY_BUDGET_MS) this.fail(person, 'slow-load', `页面数据 ${readyMs} ms 才显示，超过 ${READY_BUDGET_MS} ms`)
    const loadMs = await target.evaluate(() => {
      const [entry] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[]
      return entry && entry.loadEventEnd > 0 ? Math.round(entry.loadEventEnd) : null
    })
    if (loadMs !== null && loadMs > LOAD_BUDGET_MS) this.fail(person, 'slow-load', `页面加载 ${loadMs} ms，超过 ${LOAD_BUDGET_MS} ms`)
  }

  /** Check the page as it is now, then screenshot it for the gallery. */
  async shoot(person: Person, target: Page | Frame, page: string, label: string): Promise<void> {
    person.step = { page, label }
    await person.page.waitForLoadState('networkidle').catch(() => undefined)
    const touch = !!this.testInfo.project.use.hasTouch
    const found = await target.evaluate(
      ({ minTap, touch }) => {
        const describe = (element: Element): string => {
          const testid = element.getAttribute('data-testid')
          const text = (element.textContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 16)
          const cls = typeof element.className === 'string' ? element.className.trim().split(/\s+/)[0] : ''
          return `${element.tagName.toLowerCase()}${testid ? `[${testid}]` : cls ? `.${cls}` : ''}${text ? `「${text}」` : ''}`
        }
        // Screen-reader-only text (a 1-px clipped box) is hidden on purpose.
        const visible = (element: Element): boolean => {
          const style = getComputedStyle(element)
          const box = element.getBoundingClientRect()
          return style.display !== 'none' && style.visibility !== 'hidden' && box.width > 2 && box.height > 2
        }
        // Under a modal or a closing dialog nothing can be tapped; off-screen parts count.
        const tappable = (element: Element): boolean => {
          const box = element.getBoundingClientRect()
          const [x, y] = [box.left + box.width / 2, box.top + box.height / 2]
          if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) return true
          const hit = document.elementFromPoint(x, y)
          return !!hit && (element.contains(hit) || hit.contains(element))
        }
        const root = document.documentElement
        const overflow = root.scrollWidth > root.clientWidth ? `页面宽 ${root.scrollWidth} px，视口 ${root.clientWidth} px` : null
        const cut: string[] = []
        for (const element of Array.from(document.querySelectorAll('body *'))) {
          const ownText = Array.from(element.childNodes).some((node) => node.nodeType === 3 && node.textContent!.trim())
          if (!ownText || !visible(element)) continue
          const style = getComputedStyle(element)
          const clipsX = ['hidden', 'clip'].includes(style.overflowX) && style.textOverflow !== 'ellipsis'
          const clipsY = ['hidden', 'clip'].includes(style.overflowY) && style.webkitLineClamp === 'none'
          if ((clipsX && element.scrollWidth > element.clientWidth + 1) || (clipsY && element.scrollHeight > element.clientHeight + 1)) {
            cut.push(describe(element))
          }
        }
        const small: string[] = []
        if (touch) {
          const selector = 'a[href], button, input:not([type=hidden]), select, textarea, [role=button], [role=tab], .van-tabbar-item, .van-cell--clickable'
          for (const element of Array.from(document.querySelectorAll(selector))) {
            // The simulator's contact picker stands in for the platform's own UI, not the app's.
            if (!visible(element) || !tappable(element) || element.closest('[data-testid^="sim-"]')) continue
            // An input's tap area is the whole field row around it (Vant focuses it on tap).
            const area = element.closest('.van-field, .van-cell') ?? element
            const box = area.getBoundingClientRect()
            if (box.width < minTap || box.height < minTap) small.push(`${describe(element)} ${Math.round(box.width)}×${Math.round(box.height)}`)
          }
        }
        return { overflow, cut, small }
      },
      { minTap: MIN_TAP_PX, touch },
    )
    if (found.overflow) this.fail(person, 'overflow', found.overflow)
    for (const element of found.cut) this.fail(person, 'text-cut-off', element)
    for (const element of found.small) this.fail(person, 'tap-target', element)
    const file = `${this.device.id}-${String(++this.shotNumber).padStart(2, '0')}-${page}.png`
    await person.page.screenshot({ path: join(SHOTS_DIR, file), fullPage: !this.device.portal })
    const readyMs = (person as Person & { readyMs?: number }).readyMs ?? null
    ;(person as Person & { readyMs?: number }).readyMs = undefined
    this.result.shots.push({ page, label, file, readyMs })
  }
}

test('walks every page and the main flow', async ({ browser }, testInfo) => {
  const device = DEVICES.find((candidate) => candidate.id === testInfo.project.name)!
  const walk = new Walk(device, browser, testInfo)
  const [creatorId, assigneeId, assigneeName] = device.inClient ? ['zhangwei', 'lina', '李娜'] : ['wangfang', 'liuyang', '刘洋']
  const title = `${device.label}走查${Date.now() % 100000}`
  try {
    // The creator: first use, every page, and a new item.
    const creator = await walk.newPerson()
    await walk.login(creator, creatorId)
    if (device.portal) await creator.page.goto(`${PORTAL()}/?route=%2F`)
    let app = await walk.target(creator)
    const guide = app.getByTestId('first-use-guide')
    await expect(guide).toBeVisible()
    await walk.shoot(creator, app, 'guide', '首次使用引导')
    await app.getByTestId('guide-dismiss').click()

    app = await walk.open(creator, '/', 'home-view', 'home', '工作台')
    await walk.shoot(creator, app, 'home', '工作台')
    app = await walk.open(creator, '/messages', 'messages-view', 'messages', '消息')
    await walk.shoot(creator, app, 'messages', '消息')
    app = await walk.open(creator, '/me', 'profile-view', 'profile', '我的')
    await walk.shoot(creator, app, 'profile', '我的')
    app = await walk.open(creator, '/no-such-page', 'not-found-view', 'not-found', '页面不存在')
    await walk.shoot(creator, app, 'not-found', '页面不存在')

    app = await walk.open(creator, '/items/new', 'item-create-view', 'create', '发起事项')
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
    const assigneeGuide = app.getByTestId('guide-dismiss')
    if (await assigneeGuide.isVisible({ timeout: 2_000 }).catch(() => false)) await assigneeGuide.click()
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
  } catch (error) {
    walk.result.error = String(error).split('\n')[0].slice(0, 300)
    throw error
  } finally {
    saveDeviceResult(walk.result)
  }
  expect(walk.result.failures, '走查发现的问题（详见 walkthrough/index.html）').toEqual([])
})
