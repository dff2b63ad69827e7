/**
 * Two third-party SDKs nobody here wrote — @wecom/jssdk 2.x (`ww`) and weixin-js-sdk 1.6.5
 * (jweixin, `wx`), both from npm — against the simulator's client bridge
 * (`/jssdk/jweixin.js`, which emulates `WeixinJSBridge`). Each runs config, agentConfig,
 * selectEnterpriseContact, openChatWithMsg (附录 B), previewFile and checkJsApi on a bare page,
 * with signatures made here from the simulator's own tickets, so the shim's checks (signature,
 * client API names, string timestamp, previewFile size) meet the SDKs as they really are.
 * Then the app itself runs unchanged with either SDK.
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

import { expect, test, type Page } from '@playwright/test'

import { JWEIXIN_16, pickContact } from './support'

const APP = () => process.env.REAL_APP_URL!
const SIM = () => process.env.REAL_SIM_URL!
// The simulator's defaults (devtools/platform_sim/settings.py), as the app's .env has them.
const CORP_ID = 'ww5f3c2b1a0d9e8f7a'
const AGENT_ID = '1000002'
const SECRET = 'sim-secret-5f3c2b1a0d9e8f7a'

const WECOM_SDK = readFileSync(
  fileURLToPath(new URL('../../node_modules/@wecom/jssdk/dist/wecom.global.prod.js', import.meta.url)),
  'utf8',
)

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'phone-client', 'the SDKs run inside the platform client only')
})

async function simJson(path: string): Promise<Record<string, unknown>> {
  return (await (await fetch(`${SIM()}${path}`)).json()) as Record<string, unknown>
}

/** {timestamp, nonceStr, signature} for `url`, signed with the simulator's current ticket. */
async function signature(kind: 'corp' | 'agent', url: string) {
  const { access_token: token } = await simJson(`/cgi-bin/gettoken?corpid=${CORP_ID}&corpsecret=${SECRET}`)
  const query = `access_token=${String(token)}`
  const { ticket } = await simJson(
    kind === 'corp' ? `/cgi-bin/get_jsapi_ticket?${query}` : `/cgi-bin/ticket/get?type=agent_config&${query}`,
  )
  const timestamp = 1_800_000_000
  const nonceStr = `nonce${kind}Sdk1234`
  const plain = `jsapi_ticket=${String(ticket)}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${url}`
  return { timestamp, nonceStr, signature: createHash('sha1').update(plain).digest('hex') }
}

/**
 * A bare page of the app's (trusted) origin with the simulated client bridge, then the SDK.
 * A real response (/livez), not a fulfilled route: Chromium keeps pages without an address
 * from calling loopback servers. Its CSP is bypassed (harness tests only) to add the scripts.
 */
async function harness(page: Page, sdk: 'wecom' | 'jweixin'): Promise<string> {
  const url = `${APP()}/livez`
  await page.route('https://open.weixin.qq.com/**', (route) => route.abort()) // jweixin's beacon
  await page.goto(url)
  // As a page's <script>; fetched here because the bare page has no document of its own.
  await page.addScriptTag({ content: await (await fetch(`${SIM()}/jssdk/jweixin.js`)).text() })
  await page.addScriptTag({ content: sdk === 'wecom' ? WECOM_SDK : JWEIXIN_16 })
  return url
}

async function bridgeState(page: Page) {
  return page.evaluate(() =>
    (window as unknown as { WeixinJSBridge: { __sim: { state(): Record<string, unknown> } } }).WeixinJSBridge.__sim.state(),
  )
}


const JS_API_LIST = ['checkJsApi', 'selectEnterpriseContact', 'openChatWithMsg', 'previewFile', 'previewImage', 'getLocation']
const OPEN_CHAT = {
  userIds: 'lina;zhangwei',
  externalUserIds: '',
  groupName: '讨论组',
  chatId: '',
  msg: { title: '材料报送', desc: '', link: '', imgUrl: '' },
}

test.describe('each SDK on a bare page', () => {
  test.use({ bypassCSP: true })

  test('@wecom/jssdk: register, agentConfig, contacts, chat, previewFile and checkJsApi', async ({ page }) => {
    const url = await harness(page, 'wecom')
    const corp = await signature('corp', url)
    const agent = await signature('agent', url)
    await page.evaluate(
      ({ corp, agent, corpId, agentId, jsApiList }) => {
        const ww = (window as unknown as { ww: Record<string, (...args: unknown[]) => unknown> }).ww
        ww.register({
          corpId,
          agentId,
          jsApiList,
          getConfigSignature: async () => corp,
          getAgentConfigSignature: async () => agent,
        })
      },
      { corp, agent, corpId: CORP_ID, agentId: AGENT_ID, jsApiList: JS_API_LIST },
    )
    const run = (script: string) => page.evaluate(script) as Promise<Record<string, unknown>>

    const check = await run(`ww.checkJsApi({ jsApiList: ['openChatWithMsg', 'previewImage', 'getLocation', 'noSuchApi'] })`)
    expect(check.checkResult).toMatchObject({ openChatWithMsg: true, previewImage: true, getLocation: true, noSuchApi: false })
    // On the client (wxwork ≥ 3.0.24) ww runs agentConfig alone, with the client's API names
    // and a string timestamp; no corp config.
    expect(await bridgeState(page)).toMatchObject({
      configStatus: 'none',
      agentStatus: 'ok',
      grantedByAgentConfig: expect.arrayContaining(['imagePreview', 'geoLocation', 'openChatWithMsg']),
    })

    const picked = page.evaluate('ww.selectEnterpriseContact({ fromDepartmentId: -1, mode: "single", type: ["user"] })')
    await pickContact(page, 'lina')
    expect(await picked).toMatchObject({ errMsg: 'selectEnterpriseContact:ok', result: { userList: [{ id: 'lina', name: '李娜' }] } })

    const chat = await run(`ww.invoke('openChatWithMsg', ${JSON.stringify(OPEN_CHAT)})`)
    expect(chat).toMatchObject({ errMsg: 'openChatWithMsg:ok' })
    expect(String(chat.chatId)).not.toBe('')

    await expect(run(`ww.previewFile({ url: '${APP()}/a.pdf', name: '材料.pdf', size: 22189 })`)).resolves.toMatchObject({
      errMsg: 'previewFile:ok',
    })
    await expect(run(`ww.previewFile({ url: '${APP()}/a.pdf', name: '材料.pdf' }).catch((e) => e)`)).resolves.toMatchObject({
      errMsg: 'previewFile:fail missing size',
    })
  })

  test('@wecom/jssdk: config alone (no agent signature), refused when the signature is wrong', async ({ page }) => {
    const url = await harness(page, 'wecom')
    const corp = await signature('corp', url)
    const register = (bad: boolean) =>
      page.evaluate(
        async ({ corp, corpId, bad }) => {
          const ww = (window as unknown as { ww: Record<string, (...args: unknown[]) => Promise<unknown>> }).ww
          ww.register({
            corpId,
            jsApiList: ['checkJsApi', 'previewFile'],
            getConfigSignature: async () => (bad ? { ...corp, signature: '0'.repeat(40) } : corp),
          })
          return ww.ensureCorpConfigReady().then(
            () => 'ok',
            (error: { errMsg?: string }) => error.errMsg,
          )
        },
        { corp, corpId: CORP_ID, bad },
      )
    // ww names the failure after the client call it made (preVerifyJSAPI).
    expect(await register(true)).toBe('preVerifyJSAPI:invalid signature')
    await page.reload()
    await page.addScriptTag({ content: await (await fetch(`${SIM()}/jssdk/jweixin.js`)).text() })
    await page.addScriptTag({ content: WECOM_SDK })
    expect(await register(false)).toBe('ok')
    expect(await bridgeState(page)).toMatchObject({ configStatus: 'ok', agentStatus: 'none' })
  })

  test('weixin-js-sdk 1.6: config, agentConfig through wx.invoke, contacts, chat, previewFile, checkJsApi', async ({ page }) => {
    const url = await harness(page, 'jweixin')
    const corp = await signature('corp', url)
    const agent = await signature('agent', url)
    const configured = await page.evaluate(
      ({ corp, corpId, jsApiList }) =>
        new Promise<string>((resolve) => {
          const wx = (window as unknown as { wx: Record<string, (...args: unknown[]) => void> }).wx
          wx.ready(() => resolve('ready'))
          wx.error((res: { errMsg: string }) => resolve(res.errMsg))
          wx.config({ beta: true, debug: false, appId: corpId, ...corp, jsApiList })
        }),
      { corp, corpId: CORP_ID, jsApiList: JS_API_LIST },
    )
    expect(configured).toBe('ready')
    // jweixin 1.6 has no agentConfig and no onHistoryBack: the adapter's fallbacks.
    expect(await page.evaluate('[typeof wx.agentConfig, typeof wx.onHistoryBack, typeof wx.previewFile]')).toEqual([
      'undefined',
      'undefined',
      'undefined',
    ])
    const invoke = (name: string, params: Record<string, unknown>) =>
      page.evaluate(
        ({ name, params }) =>
          new Promise<Record<string, unknown>>((resolve) =>
            (window as unknown as { wx: { invoke: (...args: unknown[]) => void } }).wx.invoke(name, params, resolve),
          ),
        { name, params },
      )
    const agentParams = { corpid: CORP_ID, agentid: AGENT_ID, ...agent, timestamp: String(agent.timestamp) }
    await expect(
      invoke('agentConfig', { ...agentParams, jsApiList: ['selectEnterpriseContact', 'openChatWithMsg', 'imagePreview'] }),
    ).resolves.toMatchObject({ err_msg: 'agentConfig:ok' })

    const check = await page.evaluate(
      () =>
        new Promise<Record<string, unknown>>((resolve) =>
          (window as unknown as { wx: { checkJsApi: (options: unknown) => void } }).wx.checkJsApi({
            jsApiList: ['previewImage', 'openChatWithMsg', 'noSuchApi'],
            success: resolve,
          }),
        ),
    )
    expect(JSON.parse(String(check.checkResult))).toMatchObject({ imagePreview: true, openChatWithMsg: true, noSuchApi: false })

    const picked = invoke('selectEnterpriseContact', { fromDepartmentId: -1, mode: 'single', type: ['user'] })
    await pickContact(page, 'zhangwei')
    const contact = await picked
    expect(contact.err_msg).toBe('selectEnterpriseContact:ok')
    expect(JSON.parse(String(contact.result)).userList[0]).toMatchObject({ id: 'zhangwei' })

    await expect(invoke('openChatWithMsg', OPEN_CHAT)).resolves.toMatchObject({ err_msg: 'openChatWithMsg:ok' })
    await expect(invoke('previewFile', { url: `${APP()}/a.pdf`, name: '材料.pdf', size: 22189 })).resolves.toMatchObject({
      err_msg: 'previewFile:ok',
    })
  })

  test('the mismatches the adapter had are refused by the simulated client', async ({ page }) => {
    const url = await harness(page, 'jweixin')
    const agent = await signature('agent', url)
    const bridge = (name: string, params: Record<string, unknown>) =>
      page.evaluate(
        ({ name, params }) =>
          new Promise<Record<string, unknown>>((resolve) =>
            (window as unknown as { WeixinJSBridge: { invoke: (...args: unknown[]) => void } }).WeixinJSBridge.invoke(
              name,
              params,
              resolve,
            ),
          ),
        { name, params },
      )
    const agentParams = { corpid: CORP_ID, agentid: AGENT_ID, ...agent }
    // A numeric timestamp: what the old wx.invoke('agentConfig') fallback sent.
    await expect(bridge('agentConfig', { ...agentParams, jsApiList: ['imagePreview'] })).resolves.toMatchObject({
      err_msg: 'agentConfig:fail invalid timestamp',
    })
    // Web names: previewImage is granted under a name the client does not call.
    const stringTimestamp = { ...agentParams, timestamp: String(agent.timestamp) }
    await expect(bridge('agentConfig', { ...stringTimestamp, jsApiList: ['previewImage', 'previewFile'] })).resolves.toMatchObject({
      err_msg: 'agentConfig:ok',
    })
    await expect(bridge('imagePreview', { current: 'a', urls: ['a'] })).resolves.toMatchObject({
      err_msg: 'imagePreview:permission denied',
    })
    // previewFile without size.
    await expect(bridge('previewFile', { url: `${APP()}/a.pdf`, name: 'a.pdf' })).resolves.toMatchObject({
      err_msg: 'previewFile:fail missing size',
    })
    // onHistoryBack: jweixin 1.6 has no method; the client's historyBack event decides.
    const kept = await page.evaluate(() => {
      const bridgeObject = (window as unknown as {
        WeixinJSBridge: { on: (event: string, callback: () => boolean) => void; __sim: { historyBack(): boolean } }
      }).WeixinJSBridge
      bridgeObject.on('historyBack', () => false)
      return bridgeObject.__sim.historyBack()
    })
    expect(kept).toBe(false)
  })
})
