/**
 * Shared pieces of the end-to-end specs: the app's run-time config injected like the backend
 * does, a mocked JSON API (so the built app runs without the backend), and the checks every
 * page must pass — no red (DB31DSJ/Z 003 附录 D), no horizontal overflow, no console error,
 * toasts gone within 1.5 s. Specs against the real backend can reuse the checks and `test`.
 */
import { expect, test as base, type Page, type Route } from '@playwright/test'

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
  appName: '协同事项',
  pageWidth: { mode: 'adaptive' },
  jssdkUrl: JSSDK_URL,
  corpId: 'ww1234567890abcdef',
  agentId: '1000002',
}

export const FIXED_800_CONFIG: AppConfigOption = { ...ADAPTIVE_CONFIG, pageWidth: { mode: 'fixed', width: 800 } }

export const GUIDE_STORAGE_KEY = 'ywxt.first-use-guide.v1'

/** A user agent of the platform's mobile client (the adapter looks for "wxwork"). */
export const IN_CLIENT_USER_AGENT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh'

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** The answers a logged-in user's index.html carries, by URL (src/api/firstScreen.ts). */
export type FirstScreenOption = Record<string, unknown> | null

/** The data block at the end of the body, its JSON escaped for HTML as the backend does. */
function firstScreenBlock(answers: Record<string, unknown>): string {
  const escapes: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' }
  const json = JSON.stringify(answers).replace(/[<>&\u2028\u2029]/g, (char) => escapes[char])
  return `<script type="application/json" id="first-screen">${json}</script>`
}

/** Serve index.html with the config (and the first screen's data) filled in, as the backend does. */
export async function injectAppConfig(
  page: Page,
  config: AppConfigOption,
  firstScreen: FirstScreenOption = null,
): Promise<void> {
  await page.route(
    (url) => url.pathname === '/' || url.pathname === '/index.html',
    async (route) => {
      const response = await route.fetch()
      let html = (await response.text()).replace(
        'content="__APP_CONFIG__"',
        `content="${escapeHtml(JSON.stringify(config))}"`,
      )
      if (firstScreen) {
        const end = html.lastIndexOf('</body>')
        html = html.slice(0, end) + firstScreenBlock(firstScreen) + html.slice(end)
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

export interface ItemData {
  id: number
  title: string
  description: string
  status: 'open' | 'done'
  priority: 'normal' | 'urgent'
  due_date: string | null
  creator: Person
  assignee: Person
  created_at: string
  completed_at: string | null
  can_complete: boolean
}

export const ME: Person & { csrf_token: string } = { userid: 'zhangsan', name: '张三', csrf_token: 'csrf-e2e-token' }
const LISI = { userid: 'lisi', name: '李四' }
const WANGWU = { userid: 'wangwu', name: '王五' }
const ZHANGSAN = { userid: ME.userid, name: ME.name }

export function defaultItems(): ItemData[] {
  return [
    {
      id: 7,
      title: '报送第一季度安全生产检查材料',
      description: '请于本周五前将检查表和整改清单报送办公室。\n材料模板见共享盘“安全检查”目录。',
      status: 'open',
      priority: 'urgent',
      due_date: '2026-03-06',
      creator: LISI,
      assignee: ZHANGSAN,
      created_at: '2026-03-02T09:15:00+08:00',
      completed_at: null,
      can_complete: true,
    },
    {
      id: 8,
      title: '核对三月份会议室预约',
      description: '',
      status: 'open',
      priority: 'normal',
      due_date: null,
      creator: WANGWU,
      assignee: ZHANGSAN,
      created_at: '2026-03-01T14:02:00+08:00',
      completed_at: null,
      can_complete: true,
    },
    {
      id: 5,
      title: '更新部门通讯录',
      description: '新入职两位同事，请补充联系方式。',
      status: 'done',
      priority: 'normal',
      due_date: '2026-02-20',
      creator: LISI,
      assignee: ZHANGSAN,
      created_at: '2026-02-16T10:00:00+08:00',
      completed_at: '2026-02-18T16:40:00+08:00',
      can_complete: false,
    },
    {
      id: 9,
      title: '起草年度培训计划',
      description: '结合各科室需求，形成初稿。',
      status: 'open',
      priority: 'normal',
      due_date: '2026-03-20',
      creator: ZHANGSAN,
      assignee: WANGWU,
      created_at: '2026-03-03T08:40:00+08:00',
      completed_at: null,
      can_complete: false,
    },
  ]
}

export const CONTACTS = [
  { userid: 'lisi', name: '李四', department: '办公室', position: '副主任' },
  { userid: 'wangwu', name: '王五', department: '综合科', position: '科员' },
  { userid: 'zhaoliu', name: '赵六', department: '信息中心', position: '工程师' },
]

export const MESSAGES = [
  {
    id: 31,
    title: '新的协同事项',
    description: '李四请您办理：报送第一季度安全生产检查材料',
    url: 'http://127.0.0.1/#/items/7',
    created_at: '2026-03-02T09:15:00+08:00',
    read: false,
  },
  {
    id: 30,
    title: '事项即将到期',
    description: '核对三月份会议室预约 将于明天到期',
    url: 'http://127.0.0.1/#/items/8',
    created_at: '2026-03-01T18:00:00+08:00',
    read: false,
  },
  {
    id: 29,
    title: '事项已办结',
    description: '王五已办结：整理档案室',
    url: 'http://127.0.0.1/#/items/4',
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

type Handler = (request: RecordedRequest, match: RegExpMatchArray) => Reply

function errorBody(status: number, title: string, message: string, fields?: Record<string, string>) {
  return { error: { status, title, message, ...(fields ? { fields } : {}) } }
}

/** The backend's JSON API, in memory. Specs change `data` or add `on(...)` overrides. */
export class MockApi {
  readonly requests: RecordedRequest[] = []
  readonly data = {
    items: defaultItems(),
    messages: MESSAGES.map((message) => ({ ...message })),
    profile: structuredClone(PROFILE_GRANTED) as typeof PROFILE_GRANTED | typeof PROFILE_NOT_GRANTED,
    nextId: 100,
  }
  private readonly overrides: Array<{ method: string; path: RegExp; handler: Handler }> = []

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

  private readonly routes: Array<{ method: string; path: RegExp; handler: Handler }> = [
    { method: 'GET', path: /^\/api\/me$/, handler: () => ({ body: ME }) },
    {
      method: 'GET',
      path: /^\/api\/items$/,
      handler: (request) => {
        const box = request.query.get('box')
        const items = this.data.items.filter((item) =>
          box === 'created' ? item.creator.userid === ME.userid : item.assignee.userid === ME.userid,
        )
        return { body: { items } }
      },
    },
    {
      method: 'GET',
      path: /^\/api\/items\/(\d+)$/,
      handler: (_request, match) => {
        const item = this.data.items.find((candidate) => candidate.id === Number(match[1]))
        return item ? { body: { item } } : { status: 404, body: errorBody(404, '事项不存在', '该事项不存在或已被删除。') }
      },
    },
    {
      method: 'POST',
      path: /^\/api\/items$/,
      handler: (request) => {
        const input = request.body as Record<string, string>
        const assignee = CONTACTS.find((contact) => contact.userid === input.assignee_userid)
        if (!input.title || !assignee) {
          return { status: 400, body: errorBody(400, '参数有误', '请检查填写的内容。', { title: '请填写标题' }) }
        }
        const item: ItemData = {
          id: this.data.nextId++,
          title: input.title,
          description: input.description ?? '',
          status: 'open',
          priority: input.priority === 'urgent' ? 'urgent' : 'normal',
          due_date: input.due_date ?? null,
          creator: ZHANGSAN,
          assignee: { userid: assignee.userid, name: assignee.name },
          created_at: new Date().toISOString(),
          completed_at: null,
          can_complete: false,
        }
        this.data.items.unshift(item)
        return { status: 201, body: { item } }
      },
    },
    {
      method: 'POST',
      path: /^\/api\/items\/(\d+)\/complete$/,
      handler: (_request, match) => {
        const item = this.data.items.find((candidate) => candidate.id === Number(match[1]))
        if (!item) return { status: 404, body: errorBody(404, '事项不存在', '该事项不存在或已被删除。') }
        Object.assign(item, { status: 'done', completed_at: new Date().toISOString(), can_complete: false })
        return { body: { item } }
      },
    },
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
      handler: () => ({
        body: { messages: this.data.messages, unread: this.data.messages.filter((m) => !m.read).length },
      }),
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

  async install(page: Page): Promise<void> {
    await page.route('**/api/**', (route) => this.answer(route))
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

    for (const entry of [...this.overrides, ...this.routes]) {
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

/** Run `action` and measure how long the Vant toast it causes stays on screen. */
export async function measureToast(page: Page, action: () => Promise<void>): Promise<{ text: string; ms: number }> {
  const measuring = page.evaluate(
    () =>
      new Promise<{ text: string; ms: number } | null>((resolve) => {
        const started = performance.now()
        let shownAt: number | null = null
        let text = ''
        const tick = () => {
          const toast = Array.from(document.querySelectorAll<HTMLElement>('.van-toast')).find(
            (element) => getComputedStyle(element).display !== 'none',
          )
          const now = performance.now()
          if (toast && shownAt === null) {
            shownAt = now
            text = toast.textContent?.trim() ?? ''
          }
          if (!toast && shownAt !== null) return resolve({ text, ms: now - shownAt })
          if (shownAt === null && now - started > 10_000) return resolve(null)
          requestAnimationFrame(tick)
        }
        requestAnimationFrame(tick)
      }),
  )
  await action()
  const result = await measuring
  expect(result, 'a toast should appear').not.toBeNull()
  return result!
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
  /** Mock the JSON API with page.route (off for specs against the real backend). */
  mockApi: boolean
  /** The first screen's data in index.html, as for a logged-in user; null: none (the default). */
  firstScreen: FirstScreenOption
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
  firstScreen: [null, { option: true }],

  api: [
    async ({ page, mockApi }, use) => {
      const api = new MockApi()
      if (mockApi) await api.install(page)
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

  page: async ({ page, appConfig, firstVisit, firstScreen }, use) => {
    await injectAppConfig(page, appConfig, firstScreen)
    if (!firstVisit) {
      await page.addInitScript((key) => window.localStorage.setItem(key, 'dismissed'), GUIDE_STORAGE_KEY)
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
