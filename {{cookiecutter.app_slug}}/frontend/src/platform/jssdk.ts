/**
 * The 一网协同 JS-SDK adapter: the ONLY module that touches `window.wx`.
 *
 * It loads the platform's jweixin script from the run-time config (never bundled, never a
 * public CDN), signs the page through the backend, runs `wx.config` and then `wx.agentConfig`
 * (or `wx.invoke('agentConfig')` on clients without it), and offers promise wrappers for the
 * front-end APIs of DB31DSJ/Z 003 附录 A.1. Outside the platform client it reports
 * `available: false` with a reason, and every wrapper rejects with a `JssdkError` — never a
 * synchronous throw — so the UI can hide or replace what cannot work.
 */

import { fetchSignature } from '@/api'
import type { AgentSignature, CorpSignature } from '@/api/types'
import { appConfig } from '@/config'

/** Every API this app asks the platform for (wx.config and wx.agentConfig alike). */
export const JS_API_LIST = [
  'checkJsApi',
  'openChatWithMsg',
  'selectEnterpriseContact',
  'previewImage',
  'chooseImage',
  'previewFile',
  'getLocation',
  'scanQRCode',
  'setClipboardData',
  'getNetworkType',
  'onHistoryBack',
  'closeWindow',
  'hideOptionMenu',
  'showWatermark',
  'hideWatermark',
] as const

export type JsApiName = (typeof JS_API_LIST)[number]

/** APIs that run under the app's identity, so they need agentConfig, not only config. */
const AGENT_APIS: readonly JsApiName[] = ['openChatWithMsg', 'selectEnterpriseContact']

/** Platform-specific APIs that exist only through `wx.invoke`. */
const INVOKE_ONLY: readonly string[] = [
  'openChatWithMsg',
  'selectEnterpriseContact',
  'showWatermark',
  'hideWatermark',
]

// Same bound as API calls (DB31DSJ/Z 003 §6.3.3 a): a client that never answers is "unavailable".
export const CONFIG_TIMEOUT_MS = 4500

export type UnavailableReason =
  | 'not-in-client' // an ordinary browser: no wxwork in the user agent
  | 'script-failed' // the jweixin script did not load or defined no `wx`
  | 'signature-failed' // the backend would not sign this page
  | 'config-failed' // wx.config answered wx.error (or nothing)
  | 'agent-config-failed' // config worked, agentConfig did not: only agent APIs are off

export const UNAVAILABLE_MESSAGES: Record<UnavailableReason, string> = {
  'not-in-client': '请在一网协同客户端中使用此功能',
  'script-failed': '平台接口加载失败，请稍后重试',
  'signature-failed': '平台接口签名失败，请稍后重试',
  'config-failed': '平台接口初始化失败，请稍后重试',
  'agent-config-failed': '应用权限初始化失败，请稍后重试',
}

export interface PlatformStatus {
  /** wx.config succeeded: the basic APIs work. */
  available: boolean
  /** wx.agentConfig succeeded too: contact picker and chats work. */
  agentAvailable: boolean
  reason?: UnavailableReason
  /** The client's own errMsg, for logs. */
  detail?: string
}

export type JssdkErrorCode = 'unavailable' | 'cancelled' | 'denied' | 'failed'

export class JssdkError extends Error {
  declare readonly code: JssdkErrorCode
  declare readonly api: string
  /** The client's err_msg, e.g. "openChatWithMsg:fail invalid userIds". */
  declare readonly errMsg: string | undefined

  constructor(code: JssdkErrorCode, api: string, message: string, errMsg?: string) {
    super(message)
    this.name = 'JssdkError'
    this.code = code
    this.api = api
    this.errMsg = errMsg
  }
}

/** What a jweixin callback receives. */
export interface WxResult {
  err_msg?: string
  errMsg?: string
  [key: string]: unknown
}

type WxCallback = (res: WxResult) => void

/** The part of jweixin this adapter uses. */
export interface Wx {
  config(options: Record<string, unknown>): void
  ready(callback: () => void): void
  error(callback: (res: WxResult) => void): void
  agentConfig?: (options: Record<string, unknown>) => void
  invoke(name: string, params: Record<string, unknown>, callback: WxCallback): void
  [api: string]: unknown
}

export interface JssdkDeps {
  jssdkUrl: string
  userAgent: string
  /** The URL to sign: the page without `#` and what follows. */
  pageUrl: () => string
  loadScript: (src: string) => Promise<void>
  getWx: () => Wx | undefined
  fetchCorpSignature: (url: string) => Promise<CorpSignature>
  fetchAgentSignature: (url: string) => Promise<AgentSignature>
  timeoutMs?: number
}

export interface ContactSelection {
  users: Array<{ userid: string; name: string; avatar?: string }>
  departments: Array<{ id: string; name: string }>
}

export interface ChatMessage {
  title?: string
  desc?: string
  link?: string
  imgUrl?: string
}

export interface OpenChatOptions {
  userIds: string[]
  externalUserIds?: string[]
  /** '' for a one-to-one chat (附录 B). */
  groupName?: string
  /** '' opens a new chat (附录 B). */
  chatId?: string
  msg?: ChatMessage
}

export interface Location {
  latitude: number
  longitude: number
  speed?: number
  accuracy?: number
}

export interface Jssdk {
  /** Resolves once, never rejects: configure the client (first call only) and report the outcome. */
  ready(): Promise<PlatformStatus>
  checkJsApi(apis: readonly string[]): Promise<Record<string, boolean>>
  openChatWithMsg(options: OpenChatOptions): Promise<{ chatId: string }>
  selectEnterpriseContact(options?: {
    mode?: 'single' | 'multi'
    type?: Array<'user' | 'department'>
    selectedUserIds?: string[]
    selectedDepartmentIds?: string[]
  }): Promise<ContactSelection>
  previewImage(options: { current: string; urls: string[] }): Promise<void>
  chooseImage(options?: {
    count?: number
    sizeType?: Array<'original' | 'compressed'>
    sourceType?: Array<'album' | 'camera'>
  }): Promise<{ localIds: string[] }>
  previewFile(options: { url: string; name?: string; size?: number }): Promise<void>
  getLocation(options?: { type?: 'wgs84' | 'gcj02' }): Promise<Location>
  scanQRCode(options?: { needResult?: 0 | 1; scanType?: Array<'qrCode' | 'barCode'> }): Promise<{ resultStr?: string }>
  setClipboardData(data: string): Promise<void>
  getNetworkType(): Promise<string>
  /** The handler returns false to stay on the page (e.g. a form with unsaved input). */
  onHistoryBack(handler: () => boolean): Promise<void>
  closeWindow(): Promise<void>
  hideOptionMenu(): Promise<void>
  showWatermark(options?: Record<string, unknown>): Promise<void>
  hideWatermark(): Promise<void>
}

export function isPlatformClient(userAgent: string): boolean {
  return /wxwork/i.test(userAgent)
}

/** checkJsApi's checkResult, and some other results, arrive as a JSON string on some clients. */
export function parseMaybeJson<T>(value: unknown): T | undefined {
  if (typeof value !== 'string') return value as T | undefined
  try {
    return JSON.parse(value) as T
  } catch {
    return undefined
  }
}

function statusOf(res: WxResult | undefined): string {
  const message = String(res?.err_msg ?? res?.errMsg ?? '')
  const colon = message.indexOf(':')
  return colon >= 0 ? message.slice(colon + 1).trim() : message
}

function errorFor(api: string, res: WxResult | undefined, fallback: JssdkErrorCode = 'failed'): JssdkError {
  const status = statusOf(res)
  const errMsg = String(res?.err_msg ?? res?.errMsg ?? `${api}:fail`)
  if (status.startsWith('cancel')) return new JssdkError('cancelled', api, '已取消', errMsg)
  if (/permission denied|no permission|access denied/i.test(status)) {
    return new JssdkError('denied', api, '没有使用该功能的权限', errMsg)
  }
  return new JssdkError(fallback, api, '操作未完成，请稍后重试', errMsg)
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve(onTimeout()), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}

export function createJssdk(deps: JssdkDeps): Jssdk {
  const timeoutMs = deps.timeoutMs ?? CONFIG_TIMEOUT_MS
  let readyPromise: Promise<PlatformStatus> | null = null
  let wx: Wx | undefined

  const unavailable = (reason: UnavailableReason, detail?: string): PlatformStatus => ({
    available: false,
    agentAvailable: false,
    reason,
    detail,
  })

  function runConfig(client: Wx, sig: CorpSignature): Promise<string | null> {
    const outcome = new Promise<string | null>((resolve) => {
      client.ready(() => resolve(null))
      client.error((res) => resolve(String(res?.errMsg ?? res?.err_msg ?? 'config:fail')))
    })
    client.config({
      beta: true, // required for the wx.invoke APIs
      debug: false,
      appId: sig.appId,
      timestamp: sig.timestamp,
      nonceStr: sig.nonceStr,
      signature: sig.signature,
      jsApiList: [...JS_API_LIST],
    })
    return withTimeout(outcome, timeoutMs, () => 'config:timeout')
  }

  function runAgentConfig(client: Wx, sig: AgentSignature): Promise<string | null> {
    const params = {
      corpid: sig.corpid,
      agentid: sig.agentid,
      timestamp: sig.timestamp,
      nonceStr: sig.nonceStr,
      signature: sig.signature,
      jsApiList: [...JS_API_LIST],
    }
    const outcome = new Promise<string | null>((resolve) => {
      const settle = (res: WxResult | undefined) =>
        resolve(statusOf(res) === 'ok' ? null : String(res?.err_msg ?? res?.errMsg ?? 'agentConfig:fail'))
      if (typeof client.agentConfig === 'function') {
        client.agentConfig({
          ...params,
          success: () => resolve(null),
          fail: (res: WxResult) => settle(res ?? { err_msg: 'agentConfig:fail' }),
        })
      } else {
        // 政务微信 clients may lack wx.agentConfig: the same call through wx.invoke.
        client.invoke('agentConfig', params, (res) =>
          resolve(res?.err_msg === 'agentConfig:ok' ? null : String(res?.err_msg ?? 'agentConfig:fail')),
        )
      }
    })
    return withTimeout(outcome, timeoutMs, () => 'agentConfig:timeout')
  }

  async function configure(): Promise<PlatformStatus> {
    if (!isPlatformClient(deps.userAgent)) return unavailable('not-in-client')
    const url = deps.pageUrl()
    // Both signatures are fetched while the script loads: no extra round trip.
    const corpSignature = deps.fetchCorpSignature(url)
    const agentSignature = deps.fetchAgentSignature(url)
    corpSignature.catch(() => undefined)
    agentSignature.catch(() => undefined)

    try {
      await withTimeout(deps.loadScript(deps.jssdkUrl), timeoutMs, () => {
        throw new Error('timeout')
      })
    } catch {
      return unavailable('script-failed')
    }
    const client = deps.getWx()
    if (!client || typeof client.config !== 'function') return unavailable('script-failed')

    let corp: CorpSignature
    try {
      corp = await corpSignature
    } catch {
      return unavailable('signature-failed')
    }
    const configError = await runConfig(client, corp)
    if (configError) return unavailable('config-failed', configError)
    wx = client

    let agentError: string | null
    try {
      agentError = await runAgentConfig(client, await agentSignature)
    } catch {
      agentError = 'agent signature failed'
    }
    if (agentError) {
      return { available: true, agentAvailable: false, reason: 'agent-config-failed', detail: agentError }
    }
    return { available: true, agentAvailable: true }
  }

  function ready(): Promise<PlatformStatus> {
    readyPromise ??= configure().catch((error: unknown) => unavailable('config-failed', String(error)))
    return readyPromise
  }

  /** Wait for configuration, then call one API; resolves with the client's result on ":ok". */
  async function call(api: JsApiName, params: Record<string, unknown> = {}): Promise<WxResult> {
    const status = await ready()
    const needsAgent = AGENT_APIS.includes(api)
    if (!status.available || !wx || (needsAgent && !status.agentAvailable)) {
      const reason = status.reason ?? 'config-failed'
      throw new JssdkError('unavailable', api, UNAVAILABLE_MESSAGES[reason])
    }
    const client = wx
    return new Promise<WxResult>((resolve, reject) => {
      const method = client[api]
      try {
        if (!INVOKE_ONLY.includes(api) && typeof method === 'function') {
          method.call(client, {
            ...params,
            success: (res: WxResult) => resolve(res ?? {}),
            fail: (res: WxResult) => reject(errorFor(api, res)),
            cancel: (res: WxResult) => reject(errorFor(api, res ?? { err_msg: `${api}:cancel` })),
          })
        } else {
          client.invoke(api, params, (res) => {
            if (statusOf(res) === 'ok') resolve(res)
            else reject(errorFor(api, res))
          })
        }
      } catch (error) {
        reject(new JssdkError('failed', api, '操作未完成，请稍后重试', String(error)))
      }
    })
  }

  const done = () => undefined

  return {
    ready,

    async checkJsApi(apis) {
      const res = await call('checkJsApi', { jsApiList: [...apis] })
      const result = parseMaybeJson<Record<string, unknown>>(res.checkResult) ?? {}
      return Object.fromEntries(apis.map((name) => [name, result[name] === true || result[name] === 'true']))
    },

    async openChatWithMsg(options) {
      const res = await call('openChatWithMsg', {
        // 附录 B: lists are "userid1;userid2"; '' means none / one-to-one / new chat.
        userIds: options.userIds.join(';'),
        externalUserIds: (options.externalUserIds ?? []).join(';'),
        groupName: options.groupName ?? '',
        chatId: options.chatId ?? '',
        msg: { title: '', desc: '', link: '', imgUrl: '', ...options.msg },
      })
      return { chatId: String(res.chatId ?? '') }
    },

    async selectEnterpriseContact(options = {}) {
      const res = await call('selectEnterpriseContact', {
        fromDepartmentId: -1,
        mode: options.mode ?? 'single',
        type: options.type ?? ['user'],
        selectedDepartmentIds: options.selectedDepartmentIds ?? [],
        selectedUserIds: options.selectedUserIds ?? [],
      })
      const result =
        parseMaybeJson<{
          userList?: Array<{ id?: string; userid?: string; name?: string; avatar?: string }>
          departmentList?: Array<{ id?: string | number; name?: string }>
        }>(res.result) ?? {}
      return {
        users: (result.userList ?? []).map((user) => ({
          userid: String(user.id ?? user.userid ?? ''),
          name: String(user.name ?? ''),
          avatar: user.avatar,
        })),
        departments: (result.departmentList ?? []).map((dept) => ({
          id: String(dept.id ?? ''),
          name: String(dept.name ?? ''),
        })),
      }
    },

    previewImage: (options) => call('previewImage', { ...options }).then(done),

    async chooseImage(options = {}) {
      const res = await call('chooseImage', {
        count: options.count ?? 1,
        sizeType: options.sizeType ?? ['compressed'],
        sourceType: options.sourceType ?? ['album', 'camera'],
      })
      return { localIds: parseMaybeJson<string[]>(res.localIds) ?? [] }
    },

    previewFile: (options) => call('previewFile', { ...options }).then(done),

    async getLocation(options = {}) {
      const res = await call('getLocation', { type: options.type ?? 'gcj02' })
      return {
        latitude: Number(res.latitude),
        longitude: Number(res.longitude),
        speed: res.speed === undefined ? undefined : Number(res.speed),
        accuracy: res.accuracy === undefined ? undefined : Number(res.accuracy),
      }
    },

    async scanQRCode(options = {}) {
      const res = await call('scanQRCode', {
        needResult: options.needResult ?? 1,
        scanType: options.scanType ?? ['qrCode', 'barCode'],
      })
      return { resultStr: typeof res.resultStr === 'string' ? res.resultStr : undefined }
    },

    setClipboardData: (data) => call('setClipboardData', { data }).then(done),

    async getNetworkType() {
      const res = await call('getNetworkType')
      return String(res.networkType ?? 'unknown')
    },

    async onHistoryBack(handler) {
      const status = await ready()
      if (!status.available || !wx) {
        throw new JssdkError('unavailable', 'onHistoryBack', UNAVAILABLE_MESSAGES[status.reason ?? 'config-failed'])
      }
      const register = wx.onHistoryBack
      if (typeof register !== 'function') {
        throw new JssdkError('failed', 'onHistoryBack', '当前客户端不支持该功能')
      }
      // jweixin takes the handler itself; its return value decides whether to go back.
      register.call(wx, () => handler())
    },

    closeWindow: () => call('closeWindow').then(done),
    hideOptionMenu: () => call('hideOptionMenu').then(done),
    showWatermark: (options = {}) => call('showWatermark', options).then(done),
    hideWatermark: () => call('hideWatermark').then(done),
  }
}

/** Inject the platform script once (a plain <script src>; allowed by the CSP's script-src). */
export function injectScript(src: string, doc: Document = document): Promise<void> {
  return new Promise((resolve, reject) => {
    const script = doc.createElement('script')
    script.src = src
    script.async = true
    script.onload = () => resolve()
    script.onerror = () => reject(new Error(`failed to load ${src}`))
    doc.head.appendChild(script)
  })
}

let defaultJssdk: Jssdk | null = null

/** The page's adapter, wired to the run-time config, the backend's signatures and `window.wx`. */
export function getJssdk(): Jssdk {
  defaultJssdk ??= createJssdk({
    jssdkUrl: appConfig().jssdkUrl,
    userAgent: navigator.userAgent,
    pageUrl: () => location.href.split('#')[0],
    loadScript: (src) => injectScript(src),
    getWx: () => (window as unknown as { wx?: Wx }).wx,
    fetchCorpSignature: (url) => fetchSignature('corp', url),
    fetchAgentSignature: (url) => fetchSignature('agent', url),
  })
  return defaultJssdk
}
