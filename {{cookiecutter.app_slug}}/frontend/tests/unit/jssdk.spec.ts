import { describe, expect, it, vi } from 'vitest'

import type { AgentSignature, CorpSignature } from '@/api/types'
import {
  createJssdk,
  JS_API_LIST,
  JssdkError,
  toClientApiNames,
  type JssdkDeps,
  type WecomSdk,
  type Wx,
  type WxResult,
} from '@/platform/jssdk'

const IN_CLIENT_UA =
  'Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 wxwork/4.1.22 MicroMessenger/7.0.1'
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36'
const PAGE_URL = 'http://127.0.0.1:5000/'

const CORP_SIGNATURE: CorpSignature = {
  appId: 'ww1234567890abcdef',
  timestamp: 1414587457,
  nonceStr: 'Wm3WZYTPz0wzccnW',
  signature: '0f9de62fce790f9a083d5c99e95740ceb90c27ed',
}
const AGENT_SIGNATURE: AgentSignature = {
  corpid: 'ww1234567890abcdef',
  agentid: '1000002',
  timestamp: 1414587458,
  nonceStr: 'agentNonce123456',
  signature: 'f50191877b62b116ef830363a3a613ed652a2d5d',
}

interface Behaviour {
  /** wx.error's errMsg; undefined = config succeeds. */
  configError?: string
  /** Never call ready or error. */
  configSilent?: boolean
  /** 'method' = wx.agentConfig exists; 'invoke' = only wx.invoke('agentConfig'). */
  agentConfig?: 'method' | 'invoke'
  agentOk?: boolean
  /** The answer of wx.invoke(name) / wx[name]; default "<name>:ok". */
  answer?: (api: string, params: Record<string, unknown>) => WxResult
  /** Extra methods on wx (e.g. checkJsApi), called jweixin-style with success/fail/cancel. */
  methods?: string[]
}

/** A stand-in for the platform's jweixin, recording what the adapter asks of it. */
class FakeWx implements Wx {
  [api: string]: unknown
  configOptions: Record<string, unknown> | null = null
  agentConfigOptions: Record<string, unknown> | null = null
  invoked: Array<{ api: string; params: Record<string, unknown> }> = []
  private readyCallbacks: Array<() => void> = []
  private errorCallbacks: Array<(res: WxResult) => void> = []

  constructor(private behaviour: Behaviour = {}) {
    if (behaviour.agentConfig === 'method') {
      this.agentConfig = (options: Record<string, unknown>) => {
        this.agentConfigOptions = options
        const ok = behaviour.agentOk ?? true
        setTimeout(() => {
          if (ok) (options.success as (res: WxResult) => void)({ err_msg: 'agentConfig:ok' })
          else (options.fail as (res: WxResult) => void)({ err_msg: 'agentConfig:invalid signature' })
        })
      }
    }
    for (const api of behaviour.methods ?? []) {
      this[api] = (options: Record<string, unknown>) => {
        const { success, fail, cancel, ...params } = options as Record<string, (res: WxResult) => void>
        this.invoked.push({ api, params })
        const res = this.answerFor(api, params)
        const status = String(res.errMsg ?? res.err_msg).split(':')[1]
        setTimeout(() => (status === 'ok' ? success(res) : status === 'cancel' ? cancel(res) : fail(res)))
      }
    }
  }

  private answerFor(api: string, params: Record<string, unknown>): WxResult {
    return this.behaviour.answer?.(api, params) ?? { err_msg: `${api}:ok`, errMsg: `${api}:ok` }
  }

  config(options: Record<string, unknown>) {
    this.configOptions = options
    if (this.behaviour.configSilent) return
    setTimeout(() => {
      if (this.behaviour.configError) this.errorCallbacks.forEach((fn) => fn({ errMsg: this.behaviour.configError }))
      else this.readyCallbacks.forEach((fn) => fn())
    })
  }

  ready(callback: () => void) {
    this.readyCallbacks.push(callback)
  }

  error(callback: (res: WxResult) => void) {
    this.errorCallbacks.push(callback)
  }

  invoke(api: string, params: Record<string, unknown>, callback: (res: WxResult) => void) {
    this.invoked.push({ api, params })
    if (api === 'agentConfig') {
      this.agentConfigOptions = params
      const ok = this.behaviour.agentOk ?? true
      setTimeout(() => callback({ err_msg: ok ? 'agentConfig:ok' : 'agentConfig:fail' }))
      return
    }
    const res = this.answerFor(api, params)
    setTimeout(() => callback(res))
  }
}

function setup(behaviour: Behaviour = { agentConfig: 'method' }, overrides: Partial<JssdkDeps> = {}) {
  const wx = new FakeWx(behaviour)
  const deps = {
    jssdkUrl: 'http://127.0.0.1:5001/jssdk/jweixin.js',
    userAgent: IN_CLIENT_UA,
    pageUrl: () => PAGE_URL,
    loadScript: vi.fn(async () => undefined),
    getWx: () => wx as Wx,
    loadWecom: vi.fn(async (): Promise<WecomSdk> => Promise.reject(new Error('jweixin is used here'))),
    fetchCorpSignature: vi.fn(async () => CORP_SIGNATURE),
    fetchAgentSignature: vi.fn(async () => AGENT_SIGNATURE),
    timeoutMs: 100,
    ...overrides,
  } satisfies JssdkDeps
  return { wx, deps, sdk: createJssdk(deps) }
}

describe('configuration in the platform client', () => {
  it('loads the script, signs the page and runs wx.config then wx.agentConfig', async () => {
    const { wx, deps, sdk } = setup()

    await expect(sdk.ready()).resolves.toEqual({ available: true, agentAvailable: true })

    expect(deps.loadScript).toHaveBeenCalledWith('http://127.0.0.1:5001/jssdk/jweixin.js')
    expect(deps.fetchCorpSignature).toHaveBeenCalledWith(PAGE_URL)
    expect(deps.fetchAgentSignature).toHaveBeenCalledWith(PAGE_URL)
    expect(wx.configOptions).toEqual({
      beta: true,
      debug: false,
      appId: CORP_SIGNATURE.appId,
      timestamp: CORP_SIGNATURE.timestamp,
      nonceStr: CORP_SIGNATURE.nonceStr,
      signature: CORP_SIGNATURE.signature,
      jsApiList: [...JS_API_LIST],
    })
    expect(wx.agentConfigOptions).toMatchObject({
      corpid: AGENT_SIGNATURE.corpid,
      agentid: AGENT_SIGNATURE.agentid,
      timestamp: String(AGENT_SIGNATURE.timestamp),
      nonceStr: AGENT_SIGNATURE.nonceStr,
      signature: AGENT_SIGNATURE.signature,
      // jweixin's own agentConfig translates names, as its config does.
      jsApiList: [...JS_API_LIST],
    })
    expect(deps.loadWecom).not.toHaveBeenCalled()
    // agentConfig ran as a method: nothing went through wx.invoke.
    expect(wx.invoked).toEqual([])
  })

  it('configures once however often ready() is called', async () => {
    const { deps, sdk } = setup()
    await Promise.all([sdk.ready(), sdk.ready(), sdk.ready()])
    expect(deps.loadScript).toHaveBeenCalledTimes(1)
    expect(deps.fetchCorpSignature).toHaveBeenCalledTimes(1)
  })

  it('falls back to wx.invoke("agentConfig") with the client names and a string timestamp', async () => {
    const { wx, sdk } = setup({ agentConfig: 'invoke' })

    await expect(sdk.ready()).resolves.toEqual({ available: true, agentAvailable: true })

    expect(wx.agentConfig).toBeUndefined()
    expect(wx.invoked).toEqual([
      {
        api: 'agentConfig',
        params: {
          corpid: AGENT_SIGNATURE.corpid,
          agentid: AGENT_SIGNATURE.agentid,
          // What @wecom/jssdk sends: the client does not know previewImage / getLocation.
          timestamp: '1414587458',
          nonceStr: AGENT_SIGNATURE.nonceStr,
          signature: AGENT_SIGNATURE.signature,
          jsApiList: toClientApiNames(JS_API_LIST),
        },
      },
    ])
    const names = wx.invoked[0].params.jsApiList as string[]
    expect(names).toContain('imagePreview')
    expect(names).toContain('geoLocation')
    expect(names).not.toContain('previewImage')
    expect(names).not.toContain('getLocation')
  })

  it('keeps the basic APIs but turns off the agent APIs when agentConfig fails', async () => {
    const { sdk } = setup({ agentConfig: 'invoke', agentOk: false })

    const status = await sdk.ready()
    expect(status).toMatchObject({ available: true, agentAvailable: false, reason: 'agent-config-failed' })
    expect(status.detail).toBe('agentConfig:fail')
    await expect(sdk.getNetworkType()).resolves.toBe('unknown')
    await expect(sdk.openChatWithMsg({ userIds: ['lisi'] })).rejects.toMatchObject({
      name: 'JssdkError',
      code: 'unavailable',
      api: 'openChatWithMsg',
    })
  })

  it('reports config-failed with the client errMsg when wx.error fires', async () => {
    const { sdk } = setup({ configError: 'config:invalid signature' })

    await expect(sdk.ready()).resolves.toEqual({
      available: false,
      agentAvailable: false,
      reason: 'config-failed',
      detail: 'config:invalid signature',
    })
    await expect(sdk.scanQRCode()).rejects.toMatchObject({ code: 'unavailable', api: 'scanQRCode' })
  })

  it('gives up on a client that never answers wx.config', async () => {
    const { sdk } = setup({ configSilent: true })
    await expect(sdk.ready()).resolves.toMatchObject({ available: false, detail: 'config:timeout' })
  })

  it('reports script-failed when the platform script does not load', async () => {
    const { sdk } = setup(undefined, { loadScript: vi.fn(async () => Promise.reject(new Error('404'))) })
    await expect(sdk.ready()).resolves.toMatchObject({ available: false, reason: 'script-failed' })
  })

  it('reports script-failed when the script defines no wx', async () => {
    const { sdk } = setup(undefined, { getWx: () => undefined })
    await expect(sdk.ready()).resolves.toMatchObject({ available: false, reason: 'script-failed' })
  })

  it('reports signature-failed when the backend will not sign the page', async () => {
    const { wx, sdk } = setup(undefined, {
      fetchCorpSignature: vi.fn(async () => Promise.reject(new Error('400'))),
    })
    await expect(sdk.ready()).resolves.toMatchObject({ available: false, reason: 'signature-failed' })
    expect(wx.configOptions).toBeNull()
  })
})

describe('outside the platform client', () => {
  it('is unavailable without loading anything', async () => {
    const { deps, sdk } = setup(undefined, { userAgent: BROWSER_UA })

    await expect(sdk.ready()).resolves.toEqual({
      available: false,
      agentAvailable: false,
      reason: 'not-in-client',
      detail: undefined,
    })
    expect(deps.loadScript).not.toHaveBeenCalled()
    expect(deps.loadWecom).not.toHaveBeenCalled() // the @wecom/jssdk chunk stays on the server
    expect(deps.fetchCorpSignature).not.toHaveBeenCalled()
  })

  it('rejects every wrapper with a typed error instead of throwing', async () => {
    const { sdk } = setup(undefined, { userAgent: BROWSER_UA })

    const calls: Array<[string, () => Promise<unknown>]> = [
      ['openChatWithMsg', () => sdk.openChatWithMsg({ userIds: ['lisi'] })],
      ['selectEnterpriseContact', () => sdk.selectEnterpriseContact()],
      ['checkJsApi', () => sdk.checkJsApi(['scanQRCode'])],
      ['previewImage', () => sdk.previewImage({ current: '/a.png', urls: ['/a.png'] })],
      ['chooseImage', () => sdk.chooseImage()],
      ['previewFile', () => sdk.previewFile({ url: '/a.pdf', name: 'a.pdf', size: 2048 })],
      ['getLocation', () => sdk.getLocation()],
      ['scanQRCode', () => sdk.scanQRCode()],
      ['setClipboardData', () => sdk.setClipboardData('x')],
      ['getNetworkType', () => sdk.getNetworkType()],
      ['onHistoryBack', () => sdk.onHistoryBack(() => true)],
      ['closeWindow', () => sdk.closeWindow()],
      ['hideOptionMenu', () => sdk.hideOptionMenu()],
      ['showWatermark', () => sdk.showWatermark({ text: '张三' })],
      ['hideWatermark', () => sdk.hideWatermark()],
    ]
    for (const [api, call] of calls) {
      let pending: Promise<unknown> | undefined
      expect(() => {
        pending = call()
      }).not.toThrow()
      const error = await pending!.then(
        () => null,
        (problem: unknown) => problem,
      )
      expect(error, api).toBeInstanceOf(JssdkError)
      expect(error).toMatchObject({ code: 'unavailable', api, message: '请在一网协同客户端中使用此功能' })
    }
  })
})

describe('API wrappers', () => {
  it('openChatWithMsg joins userIds with ";" as 附录 B requires', async () => {
    const { wx, sdk } = setup({
      agentConfig: 'method',
      answer: (api) => ({ err_msg: `${api}:ok`, chatId: 'wrchat001' }),
    })

    const result = await sdk.openChatWithMsg({
      userIds: ['zhangsan', 'lisi', 'wangwu'],
      groupName: '讨论组',
      msg: { title: '材料报送', link: 'http://127.0.0.1:5000/#/items/7' },
    })

    expect(result).toEqual({ chatId: 'wrchat001' })
    expect(wx.invoked).toEqual([
      {
        api: 'openChatWithMsg',
        params: {
          userIds: 'zhangsan;lisi;wangwu',
          externalUserIds: '',
          groupName: '讨论组',
          chatId: '',
          msg: { title: '材料报送', desc: '', link: 'http://127.0.0.1:5000/#/items/7', imgUrl: '' },
        },
      },
    ])
  })

  it('parses checkJsApi results that arrive as a JSON string', async () => {
    const { sdk } = setup({
      agentConfig: 'method',
      methods: ['checkJsApi'],
      answer: (api) => ({
        errMsg: `${api}:ok`,
        checkResult: JSON.stringify({ openChatWithMsg: true, scanQRCode: false }),
      }),
    })

    await expect(sdk.checkJsApi(['openChatWithMsg', 'scanQRCode', 'getLocation'])).resolves.toEqual({
      openChatWithMsg: true,
      scanQRCode: false,
      getLocation: false,
    })
  })

  it('accepts checkJsApi results as an object too (through wx.invoke)', async () => {
    const { sdk } = setup({
      agentConfig: 'method',
      answer: (api) => ({ err_msg: `${api}:ok`, checkResult: { scanQRCode: true } }),
    })
    await expect(sdk.checkJsApi(['scanQRCode'])).resolves.toEqual({ scanQRCode: true })
  })

  it('parses selectEnterpriseContact results that arrive as a JSON string', async () => {
    const { wx, sdk } = setup({
      agentConfig: 'method',
      answer: (api) => ({
        err_msg: `${api}:ok`,
        result: JSON.stringify({ departmentList: [], userList: [{ id: 'lisi', name: '李四', avatar: '/a.png' }] }),
      }),
    })

    await expect(sdk.selectEnterpriseContact({ mode: 'single' })).resolves.toEqual({
      users: [{ userid: 'lisi', name: '李四', avatar: '/a.png' }],
      departments: [],
    })
    expect(wx.invoked[0]).toEqual({
      api: 'selectEnterpriseContact',
      params: { fromDepartmentId: -1, mode: 'single', type: ['user'], selectedDepartmentIds: [], selectedUserIds: [] },
    })
  })

  it('turns cancel and permission answers into typed errors', async () => {
    const { sdk } = setup({
      agentConfig: 'method',
      answer: (api) => ({ err_msg: api === 'selectEnterpriseContact' ? `${api}:cancel` : `${api}:permission denied` }),
    })

    await expect(sdk.selectEnterpriseContact()).rejects.toMatchObject({ code: 'cancelled' })
    await expect(sdk.showWatermark()).rejects.toMatchObject({
      code: 'denied',
      errMsg: 'showWatermark:permission denied',
    })
  })

  it('calls jweixin methods with success/fail/cancel where the client has them', async () => {
    const { wx, sdk } = setup({
      agentConfig: 'method',
      methods: ['getLocation', 'scanQRCode'],
      answer: (api) =>
        api === 'getLocation'
          ? { errMsg: 'getLocation:ok', latitude: 31.2304, longitude: 121.4737, speed: 0, accuracy: 30 }
          : { errMsg: 'scanQRCode:cancel' },
    })

    await expect(sdk.getLocation()).resolves.toEqual({ latitude: 31.2304, longitude: 121.4737, speed: 0, accuracy: 30 })
    await expect(sdk.scanQRCode()).rejects.toMatchObject({ code: 'cancelled', api: 'scanQRCode' })
    expect(wx.invoked.map((call) => call.api)).toEqual(['getLocation', 'scanQRCode'])
    expect(wx.invoked[0].params).toEqual({ type: 'gcj02' })
  })
})

describe('jweixin 1.6 (weixin-js-sdk): no onHistoryBack, no previewFile', () => {
  it('registers onHistoryBack on the client bridge event "historyBack"', async () => {
    const handlers: Record<string, () => unknown> = {}
    const { wx, sdk } = setup({ agentConfig: 'invoke' })
    wx.on = (event: string, callback: () => unknown) => {
      handlers[event] = callback
    }
    let leave = false
    await expect(sdk.onHistoryBack(() => leave)).resolves.toBeUndefined()
    expect(handlers.historyBack()).toBe(false)
    leave = true
    expect(handlers.historyBack()).toBe(true)
  })

  it('falls back to WeixinJSBridge.on when wx has no on either', async () => {
    const on = vi.fn()
    const { sdk } = setup({ agentConfig: 'invoke' }, { getBridge: () => ({ on }) })
    await sdk.onHistoryBack(() => true)
    expect(on).toHaveBeenCalledWith('historyBack', expect.any(Function))
  })

  it('sends previewFile through wx.invoke with url, name and size', async () => {
    const { wx, sdk } = setup({ agentConfig: 'invoke' })
    await sdk.previewFile({ url: 'http://127.0.0.1:5000/a.pdf', name: '材料.pdf', size: 22189 })
    expect(wx.invoked.at(-1)).toEqual({
      api: 'previewFile',
      params: { url: 'http://127.0.0.1:5000/a.pdf', name: '材料.pdf', size: 22189 },
    })
  })
})

/** A stand-in for @wecom/jssdk's module: records register and the calls, answers like ww. */
function fakeWw(behaviour: { configError?: string; agentError?: string; answers?: Record<string, WxResult> } = {}) {
  const calls: Array<{ api: string; params: unknown }> = []
  let options: Parameters<WecomSdk['register']>[0] | undefined
  const settle = (api: string, params: unknown) => {
    calls.push({ api, params })
    const res = behaviour.answers?.[api] ?? { errMsg: `${api}:ok` }
    return String(res.errMsg).endsWith(':ok') ? Promise.resolve(res) : Promise.reject(res)
  }
  const ww = {
    register: vi.fn((given: Parameters<WecomSdk['register']>[0]) => {
      options = given
    }),
    async ensureCorpConfigReady() {
      const signature = await options!.getConfigSignature(PAGE_URL)
      calls.push({ api: 'config', params: signature })
      if (behaviour.configError) throw { errMsg: behaviour.configError }
    },
    async ensureAgentConfigReady() {
      const signature = await options!.getAgentConfigSignature!(PAGE_URL)
      calls.push({ api: 'agentConfig', params: signature })
      if (behaviour.agentError) throw { errMsg: behaviour.agentError }
    },
    invoke: (api: string, params?: Record<string, unknown>) => settle(api, params),
    onHistoryBack: vi.fn(),
    checkJsApi: (params: unknown) => settle('checkJsApi', params),
    selectEnterpriseContact: (params: unknown) => settle('selectEnterpriseContact', params),
    previewFile: (params: unknown) => settle('previewFile', params),
    getNetworkType: (params: unknown) => settle('getNetworkType', params),
  }
  return { ww: ww as unknown as WecomSdk & typeof ww, calls, options: () => options }
}

function setupWw(behaviour: Parameters<typeof fakeWw>[0] = {}, overrides: Partial<JssdkDeps> = {}) {
  const fake = fakeWw(behaviour)
  const { deps } = setup(undefined, { getWx: () => undefined, loadWecom: vi.fn(async () => fake.ww), ...overrides })
  return { ...fake, deps, sdk: createJssdk(deps) }
}

describe('@wecom/jssdk (the default when the platform script defines no wx)', () => {
  it('registers with both signature callbacks and configures corp and agent', async () => {
    const { ww, calls, options, deps, sdk } = setupWw()

    await expect(sdk.ready()).resolves.toEqual({ available: true, agentAvailable: true })

    expect(deps.loadScript).toHaveBeenCalledWith('http://127.0.0.1:5001/jssdk/jweixin.js')
    expect(ww.register).toHaveBeenCalledTimes(1)
    expect(options()).toMatchObject({ corpId: CORP_SIGNATURE.appId, agentId: AGENT_SIGNATURE.agentid, jsApiList: [...JS_API_LIST] })
    // On the client ww's config is agentConfig alone, answered by the prefetched signature.
    expect(calls).toEqual([
      { api: 'agentConfig', params: { timestamp: 1414587458, nonceStr: 'agentNonce123456', signature: AGENT_SIGNATURE.signature } },
    ])
    expect(deps.fetchAgentSignature).toHaveBeenCalledTimes(1)
  })

  it('signs a new URL when ww asks for one (history routing)', async () => {
    const { options, deps, sdk } = setupWw()
    await sdk.ready()
    await options()!.getConfigSignature('http://127.0.0.1:5000/items/7')
    expect(deps.fetchCorpSignature).toHaveBeenLastCalledWith('http://127.0.0.1:5000/items/7')
  })

  it('needs no platform script: the real client injects the bridge itself', async () => {
    const { deps, sdk } = setupWw({}, { jssdkUrl: '' })
    await expect(sdk.ready()).resolves.toMatchObject({ available: true })
    expect(deps.loadScript).not.toHaveBeenCalled()
  })

  it('falls back to corp config when agentConfig fails: basic APIs only', async () => {
    const { calls, sdk } = setupWw({ agentError: 'agentConfig:invalid signature' })
    await expect(sdk.ready()).resolves.toEqual({
      available: true,
      agentAvailable: false,
      reason: 'agent-config-failed',
      detail: 'agentConfig:invalid signature',
    })
    expect(calls.map((call) => call.api)).toEqual(['agentConfig', 'config'])
    expect(calls[1].params).toEqual({ timestamp: 1414587457, nonceStr: 'Wm3WZYTPz0wzccnW', signature: CORP_SIGNATURE.signature })
  })

  it('reports config-failed with the client errMsg when both fail', async () => {
    const both = setupWw({ agentError: 'agentConfig:invalid signature', configError: 'preVerifyJSAPI:invalid signature' })
    await expect(both.sdk.ready()).resolves.toEqual({
      available: false,
      agentAvailable: false,
      reason: 'config-failed',
      detail: 'preVerifyJSAPI:invalid signature',
    })
  })

  it('uses corp config alone when the agent signature cannot be had', async () => {
    const { calls, sdk } = setupWw({}, { fetchAgentSignature: vi.fn(async (): Promise<AgentSignature> => Promise.reject(new Error('400'))) })
    await expect(sdk.ready()).resolves.toMatchObject({ available: true, agentAvailable: false, reason: 'agent-config-failed' })
    expect(calls.map((call) => call.api)).toEqual(['config'])
  })

  it('reports script-failed when @wecom/jssdk cannot be loaded', async () => {
    const { sdk } = setupWw({}, { loadWecom: vi.fn(async (): Promise<WecomSdk> => Promise.reject(new Error('chunk'))) })
    await expect(sdk.ready()).resolves.toMatchObject({ available: false, reason: 'script-failed' })
  })

  it('calls ww wrappers, and ww.invoke for the platform-only APIs (附录 B)', async () => {
    const { calls, sdk } = setupWw({
      answers: {
        checkJsApi: { errMsg: 'checkJsApi:ok', checkResult: { openChatWithMsg: true, previewFile: false } },
        openChatWithMsg: { errMsg: 'openChatWithMsg:ok', chatId: 'wrchat9' },
        selectEnterpriseContact: { errMsg: 'selectEnterpriseContact:ok', result: { userList: [{ id: 'lisi', name: '李四' }] } },
        getNetworkType: { errMsg: 'getNetworkType:ok', networkType: 'wifi' },
      },
    })
    await expect(sdk.checkJsApi(['openChatWithMsg', 'previewFile'])).resolves.toEqual({ openChatWithMsg: true, previewFile: false })
    await expect(sdk.openChatWithMsg({ userIds: ['lisi'] })).resolves.toEqual({ chatId: 'wrchat9' })
    await expect(sdk.selectEnterpriseContact()).resolves.toEqual({ users: [{ userid: 'lisi', name: '李四', avatar: undefined }], departments: [] })
    await sdk.previewFile({ url: 'http://127.0.0.1:5000/a.pdf', name: '材料.pdf', size: 22189 })
    await expect(sdk.getNetworkType()).resolves.toBe('wifi')
    expect(calls.slice(1).map((call) => call.api)).toEqual([
      'checkJsApi',
      'openChatWithMsg',
      'selectEnterpriseContact',
      'previewFile',
      'getNetworkType',
    ])
    expect(calls.find((call) => call.api === 'previewFile')?.params).toEqual({ url: 'http://127.0.0.1:5000/a.pdf', name: '材料.pdf', size: 22189 })
  })

  it('turns ww rejections into typed errors', async () => {
    const { sdk } = setupWw({ answers: { selectEnterpriseContact: { errMsg: 'selectEnterpriseContact:cancel' } } })
    await expect(sdk.selectEnterpriseContact()).rejects.toMatchObject({ name: 'JssdkError', code: 'cancelled' })
  })

  it('registers onHistoryBack through ww', async () => {
    const { ww, sdk } = setupWw()
    await sdk.onHistoryBack(() => false)
    const handler = ww.onHistoryBack.mock.calls[0][0] as () => boolean
    expect(handler()).toBe(false)
  })
})
