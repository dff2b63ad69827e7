/**
 * Shared pieces of the end-to-end specs: the app's run-time config injected like the backend
 * does, a mocked JSON API (so the built app runs without the backend), and the checks every
 * page must pass — no red (DB31DSJ/Z 003 附录 D), no horizontal overflow, no console error,
 * toasts gone within 1.5 s. Specs against the real backend can reuse the checks and `test`.
 *
 * The core's endpoints are mocked here; each feature adds its own from
 * src/features/<name>/tests/e2e/mock-api.ts (`defineMockFeature`), found at run time: the
 * built app shows every feature's panel on 工作台, whichever spec runs.
 */
import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

import { expect, test as base, type BrowserContext, type Page, type Route } from '@playwright/test'

// ---------------------------------------------------------------------------------------------
// Run-time config (what the backend puts into <meta name="app-config">)

export interface AppConfigOption {
  appName: string
  pageWidth: { mode: 'adaptive' } | { mode: 'fixed'; width: number }
  jssdkUrl: string
  corpId: string
  agentId: string
}

export const JSSDK_URL = 'http://127.0.0.1:5001/jssdk/jweixin.js'

export const ADAPTIVE_CONFIG: AppConfigOption = {
  appName: '协同办公',
  pageWidth: { mode: 'adaptive' },
  jssdkUrl: JSSDK_URL,
  corpId: 'ww1234567890abcdef',
  agentId: '1000002',
}

export const FIXED_800_CONFIG: AppConfigOption = { ...ADAPTIVE_CONFIG, pageWidth: { mode: 'fixed', width: 800 } }

export const GUIDE_STORAGE_KEY = 'ywxt.first-use-guide.v1'
/** src/composables/useTextSettings.ts's key (not imported: that module reads window when loaded). */
export const TEXT_SETTINGS_STORAGE_KEY = 'ywxt.text-settings.v1'

/** A user agent of the platform's mobile client (the adapter looks for "wxwork"). */
export const IN_CLIENT_USER_AGENT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh'

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** The data block at the end of the body, its JSON escaped for HTML as the backend does. */
function firstScreenBlock(answers: Record<string, unknown>): string {
  const escapes: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' }
  const json = JSON.stringify(answers).replace(/[<>&\u2028\u2029]/g, (char) => escapes[char])
  return `<script type="application/json" id="first-screen">${json}</script>`
}

/**
 * Serve index.html with the config filled in, as the backend does; and with the first
 * screen's data (the answers by URL, src/api/firstScreen.ts) when `firstScreen` gives any.
 */
export async function injectAppConfig(
  page: Page,
  config: AppConfigOption,
  firstScreen: () => Record<string, unknown> | null = () => null,
): Promise<void> {
  await page.route(
    (url) => url.pathname === '/' || url.pathname === '/index.html',
    async (route) => {
      const response = await route.fetch()
      let html = (await response.text()).replace(
        'content="__APP_CONFIG__"',
        `content="${escapeHtml(JSON.stringify(config))}"`,
      )
      const answers = firstScreen()
      if (answers) {
        const end = html.lastIndexOf('</body>')
        html = html.slice(0, end) + firstScreenBlock(answers) + html.slice(end)
      }
      const headers = { ...response.headers() }
      delete headers['content-length']
      delete headers['content-encoding']
      await route.fulfill({ response, body: html, headers })
    },
  )
}

// ---------------------------------------------------------------------------------------------
// Test data and the mocked API

export interface Person {
  userid: string
  name: string
}

export const ME: Person & { csrf_token: string } = { userid: 'zhangsan', name: '张三', csrf_token: 'csrf-e2e-token' }

export const CONTACTS = [
  { userid: 'lisi', name: '李四', department: '办公室', position: '副主任' },
  { userid: 'wangwu', name: '王五', department: '综合科', position: '科员' },
  { userid: 'zhaoliu', name: '赵六', department: '信息中心', position: '工程师' },
]

/** The inbox is the core's; a message links to any page of the app (a feature's, too). */
/** The backend's page of messages (inbox/service.py PAGE_SIZE). */
const MESSAGE_PAGE_SIZE = 20

export const MESSAGES = [
  {
    id: 31,
    title: '请授权获取联系方式',
    description: '授权后，同事可以通过本应用与您联系。',
    url: 'http://127.0.0.1/#/me',
    created_at: '2026-03-02T09:15:00+08:00',
    read: false,
  },
  {
    id: 30,
    title: '系统维护通知',
    description: '本周六 22:00 至 23:00 系统维护，期间暂停使用。',
    url: 'http://127.0.0.1/#/',
    created_at: '2026-03-01T18:00:00+08:00',
    read: false,
  },
  {
    id: 29,
    title: '欢迎使用',
    description: '常用功能在工作台，消息在这里提醒您。',
    url: 'http://127.0.0.1/#/',
    created_at: '2026-02-27T11:20:00+08:00',
    read: true,
  },
]

export const PROFILE_GRANTED = {
  userid: 'zhangsan',
  name: '张三',
  department: '办公室',
  position: '科员',
  sensitive: { mobile: '138****5678', email: 'z***@example.gov.cn', address: '上海市黄浦区****' },
  consent: { granted: true, granted_at: '2026-02-01T09:30:00+08:00' },
}

export const PROFILE_NOT_GRANTED = {
  ...PROFILE_GRANTED,
  sensitive: null,
  consent: { granted: false, granted_at: null },
}

export interface RecordedRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: Record<string, string>
  body: unknown
}

/** What a handler answers: JSON with a status, optionally late; or a dropped / hanging request. */
export type Reply =
  | { status?: number; body?: unknown; delayMs?: number }
  | { abort: 'internetdisconnected' | 'connectionrefused' | 'failed' }
  | { hang: true }

export type Handler = (request: RecordedRequest, match: RegExpMatchArray) => Reply

/** An endpoint of the mocked API. */
export interface MockRoute {
  method: string
  path: RegExp
  handler: Handler
}

/** The backend's error body (src/api/client.ts ErrorBody). */
export function errorBody(status: number, title: string, message: string, fields?: Record<string, string>) {
  return { error: { status, title, message, ...(fields ? { fields } : {}) } }
}

/** A feature's part of the mocked API: the default export of src/features/<name>/tests/e2e/mock-api.ts. */
export interface MockFeature<Data> {
  /** The feature's folder name. */
  name: string
  /** Its data, fresh for each test. */
  data(): Data
  /** Its endpoints over that data. */
  routes(data: Data): MockRoute[]
  /** Its answers in a logged-in user's index.html (the backend's first-screen block). */
  firstScreen?(data: Data): Record<string, unknown>
}

export function defineMockFeature<Data>(feature: MockFeature<Data>): MockFeature<Data> {
  return feature
}

const FEATURES_DIR = fileURLToPath(new URL('../../src/features/', import.meta.url))

/** The business features built into the app (src/features/<name>/feature.ts). */
export const FEATURE_NAMES: string[] = readdirSync(FEATURES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(FEATURES_DIR, entry.name, 'feature.ts')))
  .map((entry) => entry.name)
  .sort()

let mockFeatures: Promise<Array<MockFeature<unknown>>> | undefined

/** Every feature's mock-api.ts, loaded once per worker. */
export function loadMockFeatures(): Promise<Array<MockFeature<unknown>>> {
  mockFeatures ??= Promise.all(
    FEATURE_NAMES.map((name) => join(FEATURES_DIR, name, 'tests', 'e2e', 'mock-api.ts'))
      .filter((file) => existsSync(file))
      .map(async (file) => ((await import(pathToFileURL(file).href)) as { default: MockFeature<unknown> }).default),
  )
  return mockFeatures
}

/** The backend's JSON API, in memory. Specs change `data` or add `on(...)` overrides. */
export class MockApi {
  readonly requests: RecordedRequest[] = []
  readonly data = {
    messages: MESSAGES.map((message) => ({ ...message })),
    profile: structuredClone(PROFILE_GRANTED) as typeof PROFILE_GRANTED | typeof PROFILE_NOT_GRANTED,
  }
  private readonly overrides: MockRoute[] = []
  private readonly features = new Map<string, { feature: MockFeature<unknown>; data: unknown }>()

  constructor(features: Array<MockFeature<unknown>> = []) {
    for (const feature of features) this.features.set(feature.name, { feature, data: feature.data() })
  }

  /** A feature's data in this test (its folder, and so its mock-api.ts, must be there). */
  dataOf<Data>(feature: MockFeature<Data>): Data {
    const entry = this.features.get(feature.name)
    if (!entry) throw new Error(`no mocked API for the feature ${feature.name}`)
    return entry.data as Data
  }

  /** What a logged-in user's index.html carries: the core's answers and every feature's. */
  firstScreen(): Record<string, unknown> {
    const answers: Record<string, unknown> = {
      '/api/me': ME,
      '/api/messages': this.messagePage(null),
    }
    for (const { feature, data } of this.features.values()) Object.assign(answers, feature.firstScreen?.(data))
    return answers
  }

  /** A page of the inbox as GET /api/messages?before= answers it (the data is newest first). */
  private messagePage(before: string | null) {
    const all = this.data.messages
    const start = before ? all.findIndex((message) => message.id === Number(before)) + 1 : 0
    const messages = all.slice(start, start + MESSAGE_PAGE_SIZE)
    const more = all.length > start + MESSAGE_PAGE_SIZE
    return { messages, unread: all.filter((m) => !m.read).length, next_before: more ? messages[messages.length - 1].id : null }
  }

  /** Answer `method path` with `handler` (checked before the defaults, latest first). */
  on(method: string, path: RegExp, handler: Handler | Reply): this {
    this.overrides.unshift({ method, path, handler: typeof handler === 'function' ? handler : () => handler })
    return this
  }

  /** Answer `method path` as usual, but only after `ms` (to see loading states). */
  slowDown(method: string, path: RegExp, ms: number): this {
    this.delays.push({ method, path, ms })
    return this
  }

  private readonly delays: Array<{ method: string; path: RegExp; ms: number }> = []

  requestsTo(method: string, path: string | RegExp): RecordedRequest[] {
    return this.requests.filter(
      (request) => request.method === method && (typeof path === 'string' ? request.path === path : path.test(request.path)),
    )
  }

  private readonly coreRoutes: MockRoute[] = [
    { method: 'GET', path: /^\/api\/me$/, handler: () => ({ body: ME }) },
    {
      method: 'GET',
      path: /^\/api\/contacts$/,
      handler: (request) => {
        const q = request.query.get('q') ?? ''
        return { body: { users: CONTACTS.filter((c) => !q || c.name.includes(q) || c.department.includes(q)) } }
      },
    },
    {
      method: 'GET',
      path: /^\/api\/messages$/,
      handler: (request) => ({ body: this.messagePage(request.query.get('before')) }),
    },
    {
      method: 'POST',
      path: /^\/api\/messages\/(\d+)\/read$/,
      handler: (_request, match) => {
        const message = this.data.messages.find((candidate) => candidate.id === Number(match[1]))
        if (message) message.read = true
        return { status: 204 }
      },
    },
    { method: 'GET', path: /^\/api\/profile$/, handler: () => ({ body: this.data.profile }) },
    {
      method: 'GET',
      path: /^\/api\/jssdk\/signature$/,
      handler: (request) =>
        request.query.get('type') === 'agent'
          ? { body: { corpid: 'ww1234567890abcdef', agentid: '1000002', timestamp: 1767225600, nonceStr: 'e2eAgentNonce', signature: 'b'.repeat(40) } }
          : { body: { appId: 'ww1234567890abcdef', timestamp: 1767225600, nonceStr: 'e2eCorpNonce', signature: 'a'.repeat(40) } },
    },
    {
      method: 'POST',
      path: /^\/api\/consent$/,
      handler: () => ({ body: { authorize_url: '/_e2e/authorize?scope=snsapi_privateinfo' } }),
    },
    {
      method: 'DELETE',
      path: /^\/api\/consent$/,
      handler: () => {
        this.data.profile = structuredClone(PROFILE_NOT_GRANTED)
        return { status: 204 }
      },
    },
  ]

  /** Answer the API for every page of `context` (a spec's own page.route() still goes first). */
  async install(context: BrowserContext): Promise<void> {
    await context.route('**/api/**', (route) => this.answer(route))
  }

  private async answer(route: Route): Promise<void> {
    const request = route.request()
    const url = new URL(request.url())
    let body: unknown = undefined
    try {
      body = request.postDataJSON()
    } catch {
      body = request.postData()
    }
    const recorded: RecordedRequest = {
      method: request.method(),
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers(),
      body,
    }
    this.requests.push(recorded)

    const delay = this.delays.find((entry) => entry.method === recorded.method && entry.path.test(url.pathname))
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay.ms))

    const featureRoutes = [...this.features.values()].flatMap(({ feature, data }) => feature.routes(data))
    for (const entry of [...this.overrides, ...this.coreRoutes, ...featureRoutes]) {
      const match = entry.method === recorded.method ? url.pathname.match(entry.path) : null
      if (!match) continue
      const reply = entry.handler(recorded, match)
      if ('hang' in reply) return // never answered: the app's own timeout must fire
      if ('abort' in reply) return route.abort(reply.abort)
      if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs))
      const status = reply.status ?? 200
      await route
        .fulfill({
          status,
          contentType: 'application/json',
          body: reply.body === undefined ? '' : JSON.stringify(reply.body),
        })
        .catch(() => undefined) // the page may have given up (timeout) or gone away
      return
    }
    await route.fulfill({ status: 404, contentType: 'application/json', body: JSON.stringify(errorBody(404, '未找到', '')) })
  }
}

// ---------------------------------------------------------------------------------------------
// Page checks

export interface RedFinding {
  element: string
  property: string
  value: string
}

/**
 * Every element whose color, background-color or border colour is red: hue within ±20° of 0
 * with HSL saturation above 0.3 (DB31DSJ/Z 003 附录 D 不宜使用红色). Transparent colours are skipped.
 */
export async function findRedColours(page: Page): Promise<RedFinding[]> {
  return page.evaluate(() => {
    const PROPERTIES = [
      'color',
      'background-color',
      'border-top-color',
      'border-right-color',
      'border-bottom-color',
      'border-left-color',
    ]
    const parse = (value: string): [number, number, number, number] | null => {
      const match = value.match(/rgba?\(([^)]+)\)/)
      if (!match) return null
      const parts = match[1].split(/[\s,/]+/).filter(Boolean).map(Number)
      return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1]
    }
    const isRed = (r: number, g: number, b: number): boolean => {
      const [rn, gn, bn] = [r / 255, g / 255, b / 255]
      const max = Math.max(rn, gn, bn)
      const min = Math.min(rn, gn, bn)
      const delta = max - min
      if (delta === 0) return false
      const lightness = (max + min) / 2
      const saturation = delta / (1 - Math.abs(2 * lightness - 1))
      let hue: number
      if (max === rn) hue = 60 * (((gn - bn) / delta) % 6)
      else if (max === gn) hue = 60 * ((bn - rn) / delta + 2)
      else hue = 60 * ((rn - gn) / delta + 4)
      if (hue < 0) hue += 360
      return saturation > 0.3 && (hue <= 20 || hue >= 340)
    }
    const describe = (element: Element): string => {
      const testid = element.getAttribute('data-testid')
      const classes = typeof element.className === 'string' ? element.className.trim().split(/\s+/).slice(0, 2).join('.') : ''
      return `${element.tagName.toLowerCase()}${testid ? `[data-testid=${testid}]` : ''}${classes ? `.${classes}` : ''}`
    }
    const findings: Array<{ element: string; property: string; value: string }> = []
    for (const element of Array.from(document.querySelectorAll('*'))) {
      const style = getComputedStyle(element)
      if (style.display === 'none' || style.visibility === 'hidden') continue
      for (const property of PROPERTIES) {
        if (property.startsWith('border') && parseFloat(style.getPropertyValue(property.replace('color', 'width'))) === 0) {
          continue
        }
        const value = style.getPropertyValue(property)
        const rgba = parse(value)
        if (rgba && rgba[3] > 0 && isRed(rgba[0], rgba[1], rgba[2])) {
          findings.push({ element: describe(element), property, value })
        }
      }
    }
    return findings
  })
}

export async function expectNoRed(page: Page): Promise<void> {
  expect(await findRedColours(page), 'elements drawn in red').toEqual([])
}

export async function expectNoHorizontalOverflow(page: Page): Promise<void> {
  const widths = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
  }))
  expect(widths.scroll, 'page wider than the viewport').toBeLessThanOrEqual(widths.client)
}

/**
 * Run `action` and measure how long the Vant toast it causes stays on screen: from showing to
 * the start of its fade-out, on the page's clock, plus the fade-out's own length.
 *
 * The page's timers run on Playwright's clock, paused while the toast shows and then moved on
 * in steps of one frame, so the figure is the app's own (its toast duration and fade) and not
 * how busy the machine is: a wall-clock measurement read 1.77 s for the same 1.2 s toast with
 * two browser suites running.
 */
type ToastRecord = { text?: string; shownAt?: number; leavingAt?: number; fadeMs?: number }
type WithToastRecord = Window & { __toast: ToastRecord }

export async function measureToast(page: Page, action: () => Promise<void>): Promise<{ text: string; ms: number }> {
  await page.clock.install() // timers set from now on are the clock's; it runs with real time
  await page.evaluate(() => {
    const record: ToastRecord = ((window as unknown as WithToastRecord).__toast = {})
    new MutationObserver(() => {
      const toast = Array.from(document.querySelectorAll<HTMLElement>('.van-toast')).find(
        (element) => getComputedStyle(element).display !== 'none',
      )
      if (toast && record.shownAt === undefined) {
        record.shownAt = performance.now()
        record.text = toast.textContent?.trim() ?? ''
      }
      if (toast?.classList.contains('van-fade-leave-active') && record.leavingAt === undefined) {
        record.leavingAt = performance.now()
        record.fadeMs = parseFloat(getComputedStyle(toast).animationDuration) * 1000
      }
    }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'style'] })
  })
  // Paused a second ahead of now (no timer of the page's is on the clock yet to be fired by it).
  await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000)
  await action()
  const toast = page.locator('.van-toast').filter({ visible: true })
  await expect(toast, 'a toast should appear').toHaveCount(1)
  const recorded = () => page.evaluate(() => (window as unknown as WithToastRecord).__toast)
  let record = await recorded()
  for (let ms = 0; ms <= 10_000 && record.leavingAt === undefined; ms += 16) {
    await page.clock.runFor(16)
    record = await recorded()
  }
  await page.clock.resume()
  expect(record.leavingAt, 'the toast should start to fade out by itself').toBeDefined()
  await expect(toast).toHaveCount(0)
  return { text: record.text!, ms: record.leavingAt! - record.shownAt! + record.fadeMs! }
}

/**
 * With the page's clock paused: let what the last timers started (promise chains, a render)
 * finish, by waiting for one real task, so a check that follows sees its result.
 */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(
    () =>
      new Promise<void>((resolve) => {
        const channel = new MessageChannel()
        channel.port1.onmessage = () => resolve()
        channel.port2.postMessage(null)
      }),
  )
}

/** 附录 D: feedback by toast, gone within 1.5 s. */
export const TOAST_LIMIT_MS = 1500

// ---------------------------------------------------------------------------------------------
// Fixtures

export interface AppOptions {
  /** The config the (mock) backend bakes into index.html. */
  appConfig: AppConfigOption
  /** false: the first-use guide was already dismissed (the default, so specs see the page). */
  firstVisit: boolean
  /** Mock the JSON API with context.route (off for specs against the real backend). */
  mockApi: boolean
  /** index.html carries the first screen's data, as for a logged-in user (`api.firstScreen()`). */
  firstScreen: boolean
  /** 我的 → 字体大小 / 长辈版 as chosen before the page opens (null: never chosen, 标准). */
  textSettings: { size: 'standard' | 'large' | 'xlarge'; elder: boolean } | null
}

export interface AppFixtures {
  api: MockApi
  /** Console errors expected by this spec (e.g. the 503 it provokes on purpose). */
  allowConsoleErrors: (pattern: RegExp) => void
}

export const test = base.extend<AppOptions & AppFixtures>({
  appConfig: [ADAPTIVE_CONFIG, { option: true }],
  firstVisit: [false, { option: true }],
  mockApi: [true, { option: true }],
  firstScreen: [false, { option: true }],
  textSettings: [null, { option: true }],

  api: [
    async ({ context, mockApi }, use) => {
      const api = new MockApi(await loadMockFeatures())
      if (mockApi) await api.install(context)
      await use(api)
    },
    { auto: true },
  ],

  allowConsoleErrors: [
    async ({ page }, use) => {
      const allowed: RegExp[] = []
      const errors: string[] = []
      page.on('console', (message) => {
        if (message.type() === 'error' && !allowed.some((pattern) => pattern.test(message.text()))) {
          errors.push(message.text())
        }
      })
      page.on('pageerror', (error) => errors.push(`pageerror: ${error.message}`))
      await use((pattern) => allowed.push(pattern))
      expect(errors, 'console errors').toEqual([])
    },
    { auto: true },
  ],

  page: async ({ page, appConfig, firstVisit, firstScreen, textSettings, api }, use) => {
    await injectAppConfig(page, appConfig, () => (firstScreen ? api.firstScreen() : null))
    if (!firstVisit) {
      await page.addInitScript((key) => window.localStorage.setItem(key, 'dismissed'), GUIDE_STORAGE_KEY)
    }
    if (textSettings) {
      // Only before the first page: a choice the spec then makes in 我的 survives a reload.
      await page.addInitScript(
        ([key, value]) => window.localStorage.getItem(key) ?? window.localStorage.setItem(key, value),
        [TEXT_SETTINGS_STORAGE_KEY, JSON.stringify(textSettings)],
      )
    }
    await use(page)
  },
})

export { expect }

/** Open a route of the app (hash history) and wait for its view. */
export async function openApp(page: Page, hash: string, viewTestId: string): Promise<void> {
  await page.goto(`/#${hash}`)
  await expect(page.getByTestId(viewTestId)).toBeVisible()
}

/** A stand-in for the platform's jweixin (政务微信 style: agentConfig through wx.invoke). */
export const FAKE_JWEIXIN = `(function () {
  var calls = (window.__jssdkCalls = []);
  var readyCallbacks = [];
  var configured = false;
  window.wx = {
    config: function (options) {
      calls.push({ api: 'config', params: options });
      setTimeout(function () {
        configured = true;
        readyCallbacks.forEach(function (fn) { fn(); });
      }, 0);
    },
    ready: function (fn) { readyCallbacks.push(fn); if (configured) setTimeout(fn, 0); },
    error: function () {},
    invoke: function (name, params, callback) {
      calls.push({ api: name, params: params });
      var res = { err_msg: name + ':ok' };
      if (name === 'selectEnterpriseContact') {
        res.result = JSON.stringify({ departmentList: [], userList: [{ id: 'lisi', name: '李四' }] });
      }
      if (name === 'openChatWithMsg') res.chatId = 'wrchat-e2e';
      setTimeout(function () { callback(res); }, 0);
    }
  };
})();`

/** A page to screenshot: its route, its view, and what shows once its data is there (a selector). */
export interface Shot {
  file: string
  hash: string
  view: string
  ready: string
}

/** Screenshots for a person to look at: SCREENSHOT_DIR=/tmp/shots npx playwright test screenshots */
export function screenshotTests(shots: Shot[]): void {
  const dir = process.env.SCREENSHOT_DIR
  for (const shot of shots) {
    test(`screenshot ${shot.file}`, async ({ page }, testInfo) => {
      test.skip(!dir, 'set SCREENSHOT_DIR to take screenshots')
      await openApp(page, shot.hash, shot.view)
      await page.locator(shot.ready).first().waitFor()
      await page.waitForLoadState('networkidle')
      await page.screenshot({ path: `${dir}/${testInfo.project.name}-${shot.file}.png`, fullPage: true })
    })
  }
}
