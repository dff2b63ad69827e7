/**
 * The first screen's data in index.html (src/api/firstScreen.ts): read once, used once, and
 * without it — absent or malformed — the app asks the API exactly as before. (A feature's
 * own answers, e.g. its 工作台 list, are tested in its slice.)
 */
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { createApiClient } from '@/api/client'
import { createFirstScreenAnswers, parseFirstScreen, readFirstScreen } from '@/api/firstScreen'
import type { Me, Message } from '@/api/types'

import { json, putFirstScreen } from './support'

const ME: Me = { userid: 'zhangsan', name: '张三', csrf_token: 'csrf-from-the-page' }

function message(id: number, title: string): Message {
  return { id, title, description: '', url: '/#/me', created_at: '2026-03-02T09:15:00+08:00', read: false }
}

const PAGE_MESSAGES = { messages: [message(31, '请完善个人信息授权')], unread: 1 }
const SERVER_MESSAGES = { messages: [message(32, '系统将于今晚维护')], unread: 1 }
const BLOCK = JSON.stringify({ '/api/me': ME, '/api/messages': PAGE_MESSAGES })


afterEach(() => {
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
})

describe('parseFirstScreen', () => {
  it('gives the answers by URL', () => {
    const answers = parseFirstScreen(BLOCK)
    expect([...answers.keys()]).toEqual(['/api/me', '/api/messages'])
    expect(answers.get('/api/me')).toEqual(ME)
  })

  it.each([
    ['absent', undefined],
    ['empty', ''],
    ['cut short', BLOCK.slice(0, 40)],
    ['not JSON', '<!-- first screen -->'],
    ['a list', '[{"userid": "zhangsan"}]'],
    ['a string', '"/api/me"'],
    ['null', 'null'],
  ])('gives none when the block is %s', (_case, raw) => {
    expect(parseFirstScreen(raw).size).toBe(0)
  })

  it('keeps only object answers of the app’s own API', () => {
    const answers = parseFirstScreen(
      JSON.stringify({ '/api/me': ME, 'https://elsewhere.example/api/me': ME, '/api/messages': [1], '/api/x': null }),
    )
    expect([...answers.keys()]).toEqual(['/api/me'])
  })

  it('reads the block from the page', () => {
    expect(readFirstScreen().size).toBe(0)
    putFirstScreen(BLOCK)
    expect(readFirstScreen().get('/api/me')).toEqual(ME)
  })
})

describe('the API client with the page’s answers', () => {
  function setup(read: () => Map<string, unknown>) {
    const fetchMock = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => json(SERVER_MESSAGES))
    const firstScreen = createFirstScreenAnswers(read)
    const api = createApiClient({
      fetch: fetchMock,
      csrfToken: async () => 'csrf',
      onUnauthorized: () => undefined,
      isOnline: () => true,
      firstAnswer: (url) => firstScreen.take(url),
    })
    return { api, fetchMock, firstScreen }
  }

  it('answers a GET from the page once, then asks the server', async () => {
    const { api, fetchMock } = setup(() => parseFirstScreen(BLOCK))
    await expect(api.get('/api/messages')).resolves.toEqual(PAGE_MESSAGES)
    expect(fetchMock).not.toHaveBeenCalled()
    await expect(api.get('/api/messages')).resolves.toEqual(SERVER_MESSAGES)
    expect(fetchMock).toHaveBeenCalledTimes(1)
  })

  it('asks the server for what the page does not carry', async () => {
    const { api, fetchMock } = setup(() => parseFirstScreen(BLOCK))
    await api.get('/api/contacts', { q: '王' })
    expect(fetchMock.mock.calls[0][0]).toBe('/api/contacts?q=%E7%8E%8B')
  })

  it('gives the page’s answer at once for the first render, once', () => {
    const { api, fetchMock } = setup(() => parseFirstScreen(BLOCK))
    expect(api.first('/api/messages')).toEqual(PAGE_MESSAGES)
    expect(api.first('/api/messages')).toBeUndefined()
    expect(api.first('/api/contacts', { q: '王' })).toBeUndefined()
    expect(fetchMock).not.toHaveBeenCalled()
  })

  it('never answers a state-changing request from the page', async () => {
    const { api, fetchMock } = setup(() => new Map([['/api/messages/31/read', {}]]))
    await api.post('/api/messages/31/read')
    expect(fetchMock).toHaveBeenCalledTimes(1)
  })

  it('asks the server for everything once the first screen is up', async () => {
    const read = vi.fn(() => parseFirstScreen(BLOCK))
    const { api, fetchMock, firstScreen } = setup(read)
    firstScreen.drop()
    await api.get('/api/messages')
    expect(fetchMock).toHaveBeenCalledTimes(1)
  })
})

describe('工作台 with and without the data block', () => {
  beforeEach(() => {
    vi.resetModules() // a fresh api module: it reads the page once
    // The core's own part of 工作台; the features' panels are tested in their slices.
    vi.doMock('@/features', () => ({ features: [] }))
    localStorage.clear()
  })

  afterEach(() => {
    vi.doUnmock('@/features')
  })

  async function openHome() {
    const fetchMock = vi.fn(async (input: RequestInfo | URL) =>
      String(input) === '/api/me' ? json({ ...ME, name: '张三丰' }) : json(SERVER_MESSAGES),
    )
    vi.stubGlobal('fetch', fetchMock)
    const { default: HomeView } = await import('@/views/HomeView.vue')
    const { dropFirstScreen } = await import('@/api')
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', name: 'home', component: HomeView }] })
    await router.push('/')
    const wrapper = mount(HomeView, { global: { plugins: [router] } })
    await flushPromises()
    return { wrapper, fetchMock, dropFirstScreen }
  }

  it('renders the greeting from the page, with no request', async () => {
    putFirstScreen(BLOCK)
    const { wrapper, fetchMock } = await openHome()
    expect(wrapper.get('[data-testid="greeting"]').text()).toBe('张三，您好')
    expect(fetchMock).not.toHaveBeenCalled()
  })

  it.each([
    ['absent', null],
    ['malformed', BLOCK.slice(0, -3)],
  ])('asks the API as before when the block is %s', async (_case, block) => {
    if (block !== null) putFirstScreen(block)
    const { wrapper, fetchMock } = await openHome()
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual(['/api/me'])
    expect(wrapper.get('[data-testid="greeting"]').text()).toBe('张三丰，您好')
  })

  it('leaves what the page carried unused once the first screen is up', async () => {
    putFirstScreen(BLOCK)
    const { fetchMock, dropFirstScreen } = await openHome()
    dropFirstScreen()
    const { fetchMessages } = await import('@/api')
    await expect(fetchMessages()).resolves.toEqual(SERVER_MESSAGES)
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual(['/api/messages'])
  })
})
