/**
 * 事项 on 工作台: the todo list a logged-in user's index.html carries is shown with no request
 * (src/api/firstScreen.ts); without it, or opened again later, the list comes from the API.
 */
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import { collectFeatures } from '@/features'

import { json, putFirstScreen } from '../../../../../tests/unit/support'
import itemsFeature from '../../feature'
import type { Item } from '../../types'

function item(id: number, title: string, status: Item['status'] = 'open'): Item {
  return {
    id,
    title,
    description: '',
    status,
    priority: 'normal',
    due_date: null,
    creator: { userid: 'lisi', name: '李四' },
    assignee: { userid: 'zhangsan', name: '张三' },
    created_at: '2026-03-02T09:15:00+08:00',
    completed_at: null,
    can_complete: true,
  }
}

const PAGE_ITEMS = [item(7, '报送第一季度安全生产检查材料'), item(8, '核对三月份会议室预约'), item(5, '更新部门通讯录', 'done')]
const SERVER_ITEMS = [item(9, '起草年度培训计划')]
const BLOCK = JSON.stringify({ '/api/items?box=todo': { items: PAGE_ITEMS, next_before: null } })
const NEXT_ITEMS = [item(4, '整理二月份考勤'), item(3, '报送年度总结')]


beforeEach(() => {
  vi.resetModules() // a fresh api module: it reads the page once
})

afterEach(() => {
  failing = false
  document.body.innerHTML = ''
  vi.unstubAllGlobals()
})

/** The API: the page after item 5, a failure while `failing`, else SERVER_ITEMS alone. */
let failing = false

async function openWorkbench(hash = '/') {
  const fetchMock = vi.fn(async (input: RequestInfo | URL) => {
    if (failing) return new Response('{"error": {"status": 500, "title": "系统繁忙", "message": "请稍后重试"}}', { status: 500 })
    if (String(input).includes('before=5')) return json({ items: NEXT_ITEMS, next_before: null })
    return json({ items: SERVER_ITEMS, next_before: null })
  })
  vi.stubGlobal('fetch', fetchMock)
  const { default: ItemsWorkbench } = await import('../../components/ItemsWorkbench.vue')
  const { dropFirstScreen } = await import('@/api')
  const stub = { template: '<div />' }
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: '/', name: 'home', component: stub }, ...itemsFeature.routes],
  })
  await router.push(hash)
  const wrapper = mount(ItemsWorkbench, { global: { plugins: [router] } })
  await flushPromises()
  const titles = () => wrapper.findAll('.item-card__title').map((title) => title.text())
  const requested = () => fetchMock.mock.calls.map(([url]) => String(url))
  return { wrapper, router, titles, requested, dropFirstScreen, ItemsWorkbench }
}

describe('the 事项 panel', () => {
  it('shows the todo list from the page with no request, and counts the open ones', async () => {
    putFirstScreen(BLOCK)
    const { wrapper, titles, requested } = await openWorkbench()
    expect(titles()).toEqual(PAGE_ITEMS.map((entry) => entry.title))
    expect(wrapper.get('[data-testid="todo-count"]').text()).toBe('2')
    expect(requested()).toEqual([])
  })

  it('asks the API when the page carries no list', async () => {
    const { titles, requested } = await openWorkbench()
    expect(requested()).toEqual(['/api/items?box=todo'])
    expect(titles()).toEqual(SERVER_ITEMS.map((entry) => entry.title))
  })

  it('loads fresh data when 工作台 is opened again later', async () => {
    putFirstScreen(BLOCK)
    const first = await openWorkbench()
    first.dropFirstScreen()
    first.wrapper.unmount()
    const again = mount(first.ItemsWorkbench, { global: { plugins: [first.router] } })
    await flushPromises()
    expect(first.requested()).toEqual(['/api/items?box=todo'])
    expect(again.findAll('.item-card__title').map((title) => title.text())).toEqual(SERVER_ITEMS.map((entry) => entry.title))
  })

  it('loads the next page under the list, and says there are at least so many to do', async () => {
    putFirstScreen(JSON.stringify({ '/api/items?box=todo': { items: PAGE_ITEMS, next_before: 5 } }))
    const { wrapper, titles, requested } = await openWorkbench()
    expect(wrapper.get('[data-testid="todo-count"]').text()).toBe('2+')
    await vi.dynamicImportSettled() // 加载更多 comes in its own chunk
    await flushPromises()
    await wrapper.get('[data-testid="items-more"]').trigger('click')
    await flushPromises()
    expect(requested()).toEqual(['/api/items?box=todo&before=5'])
    expect(titles()).toEqual([...PAGE_ITEMS, ...NEXT_ITEMS].map((entry) => entry.title))
    expect(wrapper.get('[data-testid="todo-count"]').text()).toBe('4')
    expect(wrapper.find('[data-testid="items-more"]').exists()).toBe(false)
  })

  it('keeps the list and offers 加载更多 again when the next page fails', async () => {
    putFirstScreen(JSON.stringify({ '/api/items?box=todo': { items: PAGE_ITEMS, next_before: 5 } }))
    const { wrapper, titles } = await openWorkbench()
    await vi.dynamicImportSettled()
    await flushPromises()
    failing = true
    await wrapper.get('[data-testid="items-more"]').trigger('click')
    await flushPromises()
    expect(titles()).toEqual(PAGE_ITEMS.map((entry) => entry.title))
    expect(wrapper.get('[role="alert"]').text()).toContain('加载失败')
    failing = false
    await wrapper.get('[data-testid="items-more"]').trigger('click')
    await flushPromises()
    expect(titles()).toHaveLength(PAGE_ITEMS.length + NEXT_ITEMS.length)
    expect(wrapper.find('[role="alert"]').exists()).toBe(false)
  })

  it('opens 我发起的 from the URL and links each card to its page', async () => {
    const { wrapper, requested } = await openWorkbench('/?box=created')
    expect(requested()).toEqual(['/api/items?box=created'])
    expect(wrapper.get('[data-testid="box-created"]').attributes('aria-selected')).toBe('true')
    expect(wrapper.get('[data-testid="item-card-9"]').attributes('href')).toBe('/items/9')
    expect(wrapper.get('[data-testid="create-item-button"]').attributes('href')).toBe('/items/new')
  })
})

describe('the 事项 descriptor', () => {
  it('passes the registry’s checks and keeps today’s routes', () => {
    const [feature] = collectFeatures({ './items/feature.ts': { default: itemsFeature } })
    expect(feature.routes.map((route) => [route.name, route.path])).toEqual([
      ['item-create', '/items/new'],
      ['item-detail', '/items/:id(\\d+)'],
    ])
    expect(feature.workbench).toBeDefined()
  })
})
