/**
 * The first screen's data in index.html (src/api/firstScreen.ts): read once, used once, and
 * without it — absent or malformed — the app asks the API exactly as before.
 */
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { createApiClient } from '@/api/client'
import { createFirstScreenAnswers, FIRST_SCREEN_ID, parseFirstScreen, readFirstScreen } from '@/api/firstScreen'
import type { Item, Me } from '@/api/types'

const ME: Me = { userid: 'zhangsan', name: '张三', csrf_token: 'csrf-from-the-page' }

function item(id: number, title: string): Item {
  return {
    id,
    title,
    description: '',
    status: 'open',
    priority: 'normal',
    due_date: null,
    creator: { userid: 'lisi', name: '李四' },
    assignee: { userid: ME.userid, name: ME.name },
    created_at: '2026-03-02T09:15:00+08:00',
    completed_at: null,
    can_complete: true,
  }
}

const PAGE_ITEMS = [item(7, '报送第一季度安全生产检查材料'), item(8, '核对三月份会议室预约')]
const SERVER_ITEMS = [item(9, '起草年度培训计划')]
const BLOCK = JSON.stringify({
  '/api/me': ME,
  '/api/items?box=todo': { items: PAGE_ITEMS },
  '/api/messages': { messages: [], unread: 0 },
})

/** index.html as the backend sends it: the data block at the end of the body. */
function putBlock(text: string): void {
  const script = document.createElement('script')
  script.type = 'application/json'
  script.id = FIRST_SCREEN_ID
  script.textContent = text
  document.body.append(script)
}

function json(body: unknown): Response {
  return new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } })
}

afterEach(() => {
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
})

describe('parseFirstScreen', () => {
  it('gives the answers by URL', () => {
    const answers = parseFirstScreen(BLOCK)
    expect([...answers.keys()]).toEqual(['/api/me', '/api/items?box=todo', '/api/messages'])
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
      JSON.stringify({ '/api/me': ME, 'https://elsewhere.example/api/me': ME, '/api/items?box=todo': [1], '/api/x': null }),
    )
    expect([...answers.keys()]).toEqual(['/api/me'])
  })

  it('reads the block from the page', () => {
    expect(readFirstScreen().size).toBe(0)
    putBlock(BLOCK)
    expect(readFirstScreen().get('/api/me')).toEqual(ME)
  })
})

describe('the API client with the page’s answers', () => {
  function setup(read: () => Map<string, unknown>) {
    const fetchMock = vi.fn(async (_input: RequestInfo | URL, _init?: RequestInit) => json({ items: SERVER_ITEMS }))
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
    await expect(api.get('/api/items', { box: 'todo' })).resolves.toEqual({ items: PAGE_ITEMS })
    expect(fetchMock).not.toHaveBeenCalled()
    await expect(api.get('/api/items', { box: 'todo' })).resolves.toEqual({ items: SERVER_ITEMS })
    expect(fetchMock).toHaveBeenCalledTimes(1)
  })

  it('asks the server for what the page does not carry', async () => {
    const { api, fetchMock } = setup(() => parseFirstScreen(BLOCK))
    await api.get('/api/items', { box: 'created' })
    expect(fetchMock.mock.calls[0][0]).toBe('/api/items?box=created')
  })

  it('never answers a state-changing request from the page', async () => {
    const { api, fetchMock } = setup(() => new Map([['/api/items', { item: PAGE_ITEMS[0] }]]))
    await api.post('/api/items', { title: '新事项' })
    expect(fetchMock).toHaveBeenCalledTimes(1)
  })

  it('asks the server for everything once the first screen is up', async () => {
    const read = vi.fn(() => parseFirstScreen(BLOCK))
    const { api, fetchMock, firstScreen } = setup(read)
    firstScreen.drop()
    await api.get('/api/items', { box: 'todo' })
    expect(fetchMock).toHaveBeenCalledTimes(1)
  })
})

describe('工作台 with and without the data block', () => {
  beforeEach(() => {
    vi.resetModules() // a fresh api module: it reads the page once
    localStorage.clear()
  })

  async function openHome() {
    const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
      const url = String(input)
      if (url === '/api/me') return json(ME)
      if (url.startsWith('/api/items')) return json({ items: SERVER_ITEMS })
      return json({ messages: [], unread: 0 })
    })
    vi.stubGlobal('fetch', fetchMock)
    const { default: HomeView } = await import('@/views/HomeView.vue')
    const { dropFirstScreen } = await import('@/api')
    const stub = { template: '<div />' }
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: '/', name: 'home', component: HomeView },
        { path: '/items/new', name: 'item-create', component: stub },
        { path: '/items/:id', name: 'item-detail', component: stub },
      ],
    })
    await router.push('/')
    const wrapper = mount(HomeView, { global: { plugins: [router] } })
    await flushPromises()
    const titles = () => wrapper.findAll('.item-card__title').map((title) => title.text())
    return { wrapper, fetchMock, titles, dropFirstScreen }
  }

  it('renders the list and the greeting from the page, with no request', async () => {
    putBlock(BLOCK)
    const { wrapper, fetchMock, titles } = await openHome()
    expect(titles()).toEqual(PAGE_ITEMS.map((entry) => entry.title))
    expect(wrapper.get('[data-testid="greeting"]').text()).toBe('张三，您好')
    expect(fetchMock).not.toHaveBeenCalled()
  })

  it.each([
    ['absent', null],
    ['malformed', BLOCK.slice(0, -3)],
  ])('asks the API as before when the block is %s', async (_case, block) => {
    if (block !== null) putBlock(block)
    const { wrapper, fetchMock, titles } = await openHome()
    expect(fetchMock.mock.calls.map(([url]) => url)).toEqual(['/api/me', '/api/items?box=todo'])
    expect(titles()).toEqual(SERVER_ITEMS.map((entry) => entry.title))
    expect(wrapper.get('[data-testid="greeting"]').text()).toBe('张三，您好')
  })

  it('loads fresh data when 工作台 is opened again later', async () => {
    putBlock(BLOCK)
    const first = await openHome()
    first.dropFirstScreen()
    first.wrapper.unmount()
    const { default: HomeView } = await import('@/views/HomeView.vue')
    const again = mount(HomeView, { global: { plugins: [first.wrapper.vm.$router] } })
    await flushPromises()
    expect(first.fetchMock.mock.calls.map(([url]) => url)).toEqual(['/api/items?box=todo'])
    expect(again.findAll('.item-card__title').map((title) => title.text())).toEqual(
      SERVER_ITEMS.map((entry) => entry.title),
    )
  })
})
