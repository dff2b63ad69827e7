/**
 * The 一网协同 JS-SDK adapter: the ONLY module that touches `window.wx` or `ww`.
 *
 * Two SDKs, one interface for the pages:
 * - @wecom/jssdk 2.x (`ww.register`, promises), from npm, loaded lazily and only inside the
 *   platform client: the default;
 * - jweixin 1.2–1.6 (`wx.*`), when the platform's script (run-time config `jssdkUrl`, never a
 *   public CDN) defines `window.wx`, as 政务微信 deployments that host their own jweixin do.
 * The script at `jssdkUrl` loads first either way: in the simulator it is the emulated client
 * bridge (`WeixinJSBridge`), which both SDKs talk to. The page is signed through the backend,
 * then config and agentConfig run, and promise wrappers cover the front-end APIs of
 * DB31DSJ/Z 003 附录 A.1. Outside the platform client it reports `available: false` with a
 * reason, and every wrapper rejects with a `JssdkError` — never a synchronous throw — so the UI
 * can hide or replace what cannot work.
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

/**
 * Web names the client knows under another name. Both SDKs translate them for config and for
 * their own wrappers; a list passed straight to the client (wx.invoke('agentConfig')) must
 * carry the client's names, or those APIs are not granted.
 */
export const CLIENT_API_NAMES: Readonly<Record<string, string>> = {
  previewImage: 'imagePreview',
  getLocation: 'geoLocation',
}

export function toClientApiNames(names: readonly string[]): string[] {
  return names.map((name) => CLIENT_API_NAMES[name] ?? name)
}

// Same bound as API calls (DB31DSJ/Z 003 §6.3.3 a): a client that never answers is "unavailable".
export const CONFIG_TIMEOUT_MS = 4500

export type UnavailableReason =
  | 'not-in-client' // an ordinary browser: no wxwork in the user agent
  | 'script-failed' // the platform script or the SDK did not load
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

/** What the adapter uses of @wecom/jssdk (the module namespace of `import('@wecom/jssdk')`). */
export interface WecomSdk {
  register(options: {
    corpId: string
    agentId?: string | number
    jsApiList: string[]
    getConfigSignature: (url: string) => Promise<SignatureFields>
    getAgentConfigSignature?: (url: string) => Promise<SignatureFields>
  }): void
  ensureCorpConfigReady(): Promise<unknown>
  ensureAgentConfigReady(): Promise<unknown>
  invoke(name: string, params?: Record<string, unknown>): Promise<WxResult>
  onHistoryBack(callback: () => boolean | void): void
  [api: string]: unknown
}

interface SignatureFields {
  timestamp: number | string
  nonceStr: string
  signature: string
}

export interface JssdkDeps {
  /** The platform's script: the client bridge (simulator) or its own jweixin; '' for none. */
  jssdkUrl: string
  userAgent: string
  /** The URL to sign: the page without `#` and what follows. */
  pageUrl: () => string
  loadScript: (src: string) => Promise<void>
  /** A jweixin the platform's script defined, if any: then it is used instead of ww. */
  getWx: () => Wx | undefined
  /** @wecom/jssdk, loaded lazily (a separate chunk, never on the first screen). */
  loadWecom: () => Promise<WecomSdk>
  /** The client's back-button event, for jweixin builds without onHistoryBack (1.6). */
  getBridge?: () => { on(event: string, callback: () => unknown): void } | undefined
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
  /** `size` in bytes is required by the client (and by @wecom/jssdk's types). */
  previewFile(options: { url: string; name: string; size: number }): Promise<void>
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
    const timer = setTimeout(() => {
      try {
        resolve(onTimeout())
      } catch (error) {
        reject(error)
      }
    }, ms)
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

/** One SDK behind the adapter: configure once, then call APIs by their web names. */
interface Driver {
  configure(corp: CorpSignature, agent: Promise<AgentSignature>): Promise<PlatformStatus>
  invoke(api: JsApiName, params: Record<string, unknown>): Promise<WxResult>
  onHistoryBack(handler: () => boolean): void
}

const unavailable = (reason: UnavailableReason, detail?: string): PlatformStatus => ({
  available: false,
  agentAvailable: false,
  reason,
  detail,
})

const agentOutcome = (agentError: string | null): PlatformStatus =>
  agentError
    ? { available: true, agentAvailable: false, reason: 'agent-config-failed', detail: agentError }
    : { available: true, agentAvailable: true }

/** jweixin 1.2–1.6: wx.config, then wx.agentConfig or wx.invoke('agentConfig'). */
function jweixinDriver(client: Wx, deps: JssdkDeps, timeoutMs: number): Driver {
  function runConfig(sig: CorpSignature): Promise<string | null> {
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

  function runAgentConfig(sig: AgentSignature): Promise<string | null> {
    const params = {
      corpid: sig.corpid,
      agentid: String(sig.agentid),
      // A string, as @wecom/jssdk sends it; the signed text is the same.
      timestamp: String(sig.timestamp),
      nonceStr: sig.nonceStr,
      signature: sig.signature,
    }
    const outcome = new Promise<string | null>((resolve) => {
      const settle = (res: WxResult | undefined) =>
        resolve(statusOf(res) === 'ok' ? null : String(res?.err_msg ?? res?.errMsg ?? 'agentConfig:fail'))
      if (typeof client.agentConfig === 'function') {
        // jweixin's own agentConfig translates the names, like its config does.
        client.agentConfig({
          ...params,
          jsApiList: [...JS_API_LIST],
          success: () => resolve(null),
          fail: (res: WxResult) => settle(res ?? { err_msg: 'agentConfig:fail' }),
        })
      } else {
        // 政务微信 clients and jweixin 1.6 lack wx.agentConfig: the raw client call, which
        // takes the client's names (imagePreview, geoLocation), as @wecom/jssdk sends them.
        client.invoke('agentConfig', { ...params, jsApiList: toClientApiNames(JS_API_LIST) }, settle)
      }
    })
    return withTimeout(outcome, timeoutMs, () => 'agentConfig:timeout')
  }

  return {
    async configure(corp, agent) {
      const configError = await runConfig(corp)
      if (configError) return unavailable('config-failed', configError)
      let agentError: string | null
      try {
        agentError = await runAgentConfig(await agent)
      } catch {
        agentError = 'agent signature failed'
      }
      return agentOutcome(agentError)
    },

    invoke(api, params) {
      return new Promise<WxResult>((resolve, reject) => {
        const method = client[api]
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
      })
    },

    onHistoryBack(handler) {
      // jweixin 1.2 has wx.onHistoryBack; 1.6 has not, but the client's event is the same.
      if (typeof client.onHistoryBack === 'function') {
        client.onHistoryBack(() => handler())
        return
      }
      const bridge = typeof client.on === 'function' ? (client as unknown as { on: BridgeOn }) : deps.getBridge?.()
      if (!bridge) throw new JssdkError('failed', 'onHistoryBack', '当前客户端不支持该功能')
      bridge.on('historyBack', () => handler())
    },
  }
}

type BridgeOn = (event: string, callback: () => unknown) => void

/** @wecom/jssdk 2.x: ww.register with both signature callbacks, then promise APIs. */
function wecomDriver(ww: WecomSdk, deps: JssdkDeps, timeoutMs: number): Driver {
  const fields = (sig: CorpSignature | AgentSignature): SignatureFields => ({
    timestamp: sig.timestamp,
    nonceStr: sig.nonceStr,
    signature: sig.signature,
  })
  /** null once `task` succeeds, else the client's errMsg; a silent client times out. */
  const settled = (task: Promise<unknown>, api: string): Promise<string | null> => {
    const failure = (error: unknown) => {
      const res = error as WxResult | undefined
      return String(res?.errMsg ?? res?.err_msg ?? (error instanceof Error ? error.message : `${api}:fail`))
    }
    return withTimeout(task.then(() => null, failure), timeoutMs, () => `${api}:timeout`)
  }

  return {
    async configure(corp, agent) {
      const signedUrl = deps.pageUrl()
      const agentSig = await agent.catch(() => null)
      // ww asks again when the URL changes (history routing); the first ones are prefetched.
      ww.register({
        corpId: corp.appId,
        agentId: agentSig?.agentid,
        jsApiList: [...JS_API_LIST],
        getConfigSignature: async (url) => fields(url === signedUrl ? corp : await deps.fetchCorpSignature(url)),
        getAgentConfigSignature: agentSig
          ? async (url) => fields(url === signedUrl ? agentSig : await deps.fetchAgentSignature(url))
          : undefined,
      })
      // With an agent signature on the client, ww's config IS agentConfig (it then sends the
      // agent's verify fields with every call, config included); corp config is the fallback.
      let agentError = 'agent signature failed'
      if (agentSig) {
        const agentFailure = await settled(ww.ensureAgentConfigReady(), 'agentConfig')
        if (!agentFailure) return agentOutcome(null)
        agentError = agentFailure
      }
      const configError = await settled(ww.ensureCorpConfigReady(), 'config')
      if (configError) return unavailable('config-failed', configError)
      return agentOutcome(agentError)
    },

    async invoke(api, params) {
      const wrapper = ww[api]
      try {
        if (!INVOKE_ONLY.includes(api) && typeof wrapper === 'function') {
          return ((await wrapper.call(ww, params)) ?? {}) as WxResult
        }
        return await ww.invoke(api, params)
      } catch (error) {
        throw errorFor(api, error as WxResult)
      }
    },

    onHistoryBack(handler) {
      ww.onHistoryBack(() => handler())
    },
  }
}

export function createJssdk(deps: JssdkDeps): Jssdk {
  const timeoutMs = deps.timeoutMs ?? CONFIG_TIMEOUT_MS
  let readyPromise: Promise<PlatformStatus> | null = null
  let driver: Driver | undefined

  /** The SDK to drive: the platform's jweixin if its script defined one, else @wecom/jssdk. */
  async function chooseDriver(): Promise<Driver | null> {
    if (deps.jssdkUrl) {
      await withTimeout(deps.loadScript(deps.jssdkUrl), timeoutMs, () => {
        throw new Error('timeout')
      })
    }
    const wx = deps.getWx()
    if (wx && typeof wx.config === 'function') return jweixinDriver(wx, deps, timeoutMs)
    const ww = await withTimeout(deps.loadWecom(), timeoutMs, () => {
      throw new Error('timeout')
    })
    return typeof ww?.register === 'function' ? wecomDriver(ww, deps, timeoutMs) : null
  }

  async function configure(): Promise<PlatformStatus> {
    if (!isPlatformClient(deps.userAgent)) return unavailable('not-in-client')
    const url = deps.pageUrl()
    // Both signatures are fetched while the scripts load: no extra round trip.
    const corpSignature = deps.fetchCorpSignature(url)
    const agentSignature = deps.fetchAgentSignature(url)
    corpSignature.catch(() => undefined)
    agentSignature.catch(() => undefined)

    let chosen: Driver | null
    try {
      chosen = await chooseDriver()
    } catch {
      return unavailable('script-failed')
    }
    if (!chosen) return unavailable('script-failed')

    let corp: CorpSignature
    try {
      corp = await corpSignature
    } catch {
      return unavailable('signature-failed')
    }
    const status = await chosen.configure(corp, agentSignature)
    if (status.available) driver = chosen
    return status
  }

  function ready(): Promise<PlatformStatus> {
    readyPromise ??= configure().catch((error: unknown) => unavailable('config-failed', String(error)))
    return readyPromise
  }

  /** Wait for configuration, then the driver it chose; rejects if the API cannot work here. */
  async function configured(api: JsApiName): Promise<Driver> {
    const status = await ready()
    const needsAgent = AGENT_APIS.includes(api)
    if (!status.available || !driver || (needsAgent && !status.agentAvailable)) {
      const reason = status.reason ?? 'config-failed'
      throw new JssdkError('unavailable', api, UNAVAILABLE_MESSAGES[reason])
    }
    return driver
  }

  /** Call one API; resolves with the client's result on ":ok". */
  async function call(api: JsApiName, params: Record<string, unknown> = {}): Promise<WxResult> {
    const chosen = await configured(api)
    try {
      return await chosen.invoke(api, params)
    } catch (error) {
      if (error instanceof JssdkError) throw error
      throw new JssdkError('failed', api, '操作未完成，请稍后重试', String(error))
    }
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

    previewFile: (options) =>
      call('previewFile', { url: options.url, name: options.name, size: options.size }).then(done),

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
      // The client fires its back-button event; the handler's false keeps the page.
      ;(await configured('onHistoryBack')).onHistoryBack(handler)
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
    loadWecom: () => import('@wecom/jssdk') as unknown as Promise<WecomSdk>,
    getBridge: () => (window as unknown as { WeixinJSBridge?: { on: BridgeOn } }).WeixinJSBridge,
    fetchCorpSignature: (url) => fetchSignature('corp', url),
    fetchAgentSignature: (url) => fetchSignature('agent', url),
  })
  return defaultJssdk
}
