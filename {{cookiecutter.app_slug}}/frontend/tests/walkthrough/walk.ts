/**
 * One walk of the walkthrough (DB31DSJ/Z 003 §6.2.5, §6.2.6) on one device of devices.ts:
 * people log in through the platform and visit pages; each step is screenshot and checked
 * for horizontal overflow, text cut off, tap targets under 44 px (touch devices), console
 * errors, CSP violations, slow loads and axe-core violations (WCAG 2.1 A/AA). The core's walk is walkthrough.spec.ts; a feature
 * walks its own flow in src/features/<name>/tests/walkthrough/.
 */
import { expect, type Browser, type BrowserContextOptions, type Frame, type Page, type TestInfo } from '@playwright/test'
import AxeBuilder from '@axe-core/playwright'
import { join } from 'node:path'

import { AXE_TAGS, settled } from '../e2e/axe'
import { APP, SIM } from '../real/support'

import { DEVICES, type Device } from './devices'
import { saveDeviceResult, SHOTS_DIR, type DeviceResult, type FailureKind } from './gallery'

export const PORTAL = () => process.env.WALKTHROUGH_PORTAL_URL!
const READY_BUDGET_MS = 2000 // §6.3.6 d 页面数据展示延时不宜超过 2 秒
const LOAD_BUDGET_MS = 5000 // §6.3.3 a 页面加载时间应小于 5 秒
const MIN_TAP_PX = 44

export interface Person {
  page: Page
  step: { page: string; label: string }
}

export class Walk {
  readonly result: DeviceResult
  private shotNumber = 0

  /** `part`: 'core', or the feature whose flow this walk is (names its results and screenshots). */
  constructor(
    readonly device: Device,
    private readonly browser: Browser,
    private readonly testInfo: TestInfo,
    readonly part: string,
  ) {
    this.result = { device: device.id, part, shots: [], failures: [] }
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
    const context = await this.browser.newContext(options)
    const { textSettings, defaultFontSize } = this.device
    if (textSettings) {
      await context.addInitScript((value) => window.localStorage.setItem('ywxt.text-settings.v1', value), JSON.stringify(textSettings))
    }
    const page = await context.newPage()
    if (defaultFontSize) {
      const cdp = await context.newCDPSession(page)
      await cdp.send('Page.setFontSizes', { fontSizes: { standard: defaultFontSize, fixed: Math.round(defaultFontSize * 0.8125) } })
    }
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
    await settled(target) // no screenshot or axe run of a dialog still fading in
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
    // axe-core on the app as screenshot (its frame too, in the portal); the simulator's pages are not the app's.
    const axe = await new AxeBuilder({ page: person.page }).withTags(AXE_TAGS).exclude('[data-testid^="sim-"]').analyze()
    for (const violation of axe.violations) {
      this.fail(person, 'axe', `${violation.id}：${violation.nodes.map((node) => node.target.join(' ')).slice(0, 3).join('，')}`)
    }
    if (found.overflow) this.fail(person, 'overflow', found.overflow)
    for (const element of found.cut) this.fail(person, 'text-cut-off', element)
    for (const element of found.small) this.fail(person, 'tap-target', element)
    const file = `${this.device.id}-${this.part}-${String(++this.shotNumber).padStart(2, '0')}-${page}.png`
    await person.page.screenshot({ path: join(SHOTS_DIR, file), fullPage: !this.device.portal })
    const readyMs = (person as Person & { readyMs?: number }).readyMs ?? null
    ;(person as Person & { readyMs?: number }).readyMs = undefined
    this.result.shots.push({ page, label, file, readyMs, axe: axe.violations.length })
  }

  /**
   * Close the first-use guide a new person on this device gets: waited for, since its code
   * loads after the app mounts, and a guide that opens late would cover the next step.
   */
  async dismissGuide(target: Page | Frame): Promise<void> {
    await target.getByTestId('guide-dismiss').click()
  }

  /** Run `steps`, record what went wrong, save the results; then fail on any problem found. */
  async run(steps: () => Promise<void>): Promise<void> {
    try {
      await steps()
    } catch (error) {
      this.result.error = String(error).split('\n')[0].slice(0, 300)
      throw error
    } finally {
      saveDeviceResult(this.result)
    }
    expect(this.result.failures, '走查发现的问题（详见 walkthrough/index.html）').toEqual([])
  }
}

/** The walk for this test's device project. */
export function walkFor(browser: Browser, testInfo: TestInfo, part: string): Walk {
  const device = DEVICES.find((candidate) => candidate.id === testInfo.project.name)!
  return new Walk(device, browser, testInfo, part)
}
