/**
 * The feature registry (src/features/index.ts) and the core screens it feeds: a feature's
 * folder is all it takes to add its pages, its 工作台 panel, its tab and its guide steps, and
 * with no feature the app still runs and says how to add one.
 */
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RouteRecordRaw } from 'vue-router'
import { defineComponent, h } from 'vue'

import { defineFeature, type Feature } from '@/features/define'
import { collectFeatures, FeatureError, MAX_ROUTE_DEPTH, routeDepth } from '@/features'

const Page = defineComponent({ render: () => h('p', 'page') })
const Panel = defineComponent({ render: () => h('p', { 'data-testid': 'leave-panel' }, '待审批 3 条') })

/** A second, made-up feature: 请假 (leave requests). */
function leave(overrides: Partial<Feature> = {}): Feature {
  return defineFeature({
    name: 'leave',
    title: '请假',
    routes: [
      { path: '/leave', name: 'leave-list', component: Page, meta: { title: '请假', tab: true } },
      { path: '/leave/:id(\\d+)', name: 'leave-detail', component: Page, props: true, meta: { title: '请假详情' } },
    ],
    workbench: Panel,
    tabs: [{ route: 'leave-list', label: '请假', icon: 'clock' }],
    guide: [{ icon: 'clock', title: '申请请假', text: '在“请假”里填写日期，提交后等待审批。' }],
    ...overrides,
  })
}

describe('collectFeatures', () => {
  it('accepts every feature of this app', () => {
    const modules = import.meta.glob<{ default: Feature }>('/src/features/*/feature.ts', { eager: true })
    expect(collectFeatures(modules).map((feature) => feature.name)).toEqual(
      Object.keys(modules).map((file) => file.split('/').slice(-2)[0]).sort(),
    )
  })

  it('takes every feature.ts in folder order', () => {
    const other = { ...leave(), name: 'archive', title: '归档', tabs: [], routes: [] }
    const features = collectFeatures({ './leave/feature.ts': { default: leave() }, './archive/feature.ts': { default: other } })
    expect(features.map((feature) => feature.name)).toEqual(['archive', 'leave'])
  })

  it('takes none when there is no feature folder', () => {
    expect(collectFeatures({})).toEqual([])
  })

  it('rejects a descriptor not named after its folder', () => {
    expect(() => collectFeatures({ './holidays/feature.ts': { default: leave() } })).toThrow(
      "./holidays/feature.ts 应默认导出 defineFeature({ name: 'holidays', … })",
    )
  })

  it(`rejects a route deeper than ${MAX_ROUTE_DEPTH} levels (DB31DSJ/Z 003 §6.3.6 e)`, () => {
    const deep: RouteRecordRaw = { path: '/leave/a/b/c/d/e', name: 'leave-deep', component: Page, meta: { title: '太深' } }
    expect(routeDepth(deep.path)).toBe(6)
    expect(routeDepth('/leave/:id(\\d+)')).toBe(2)
    expect(() => collectFeatures({ './leave/feature.ts': { default: leave({ routes: [deep] }) } })).toThrow(FeatureError)
  })

  it('rejects a tab whose route is not one of its own tab pages', () => {
    const tabs = [{ route: 'leave-detail', label: '详情', icon: 'clock' as const }]
    expect(() => collectFeatures({ './leave/feature.ts': { default: leave({ tabs }) } })).toThrow('应指向它自己带 meta.tab 的路由')
  })

  it('rejects a 长辈版 action that is not one of its own routes', () => {
    const elder = { label: '待审批', load: async () => ({ entries: [] }), empty: '暂无', action: { route: 'item-create', label: '发起' } }
    expect(() => collectFeatures({ './leave/feature.ts': { default: leave({ elder }) } })).toThrow(
      '功能 leave 长辈版的“发起”应指向它自己的路由，没有 item-create',
    )
  })
})

describe('core screens with and without features', () => {
  beforeEach(() => {
    vi.resetModules()
    localStorage.clear()
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ userid: 'zhangsan', name: '张三', csrf_token: 't' })))
  })

  afterEach(() => {
    vi.doUnmock('@/features')
    vi.unstubAllGlobals()
  })

  async function withFeatures(list: Feature[]) {
    vi.doMock('@/features', async (importOriginal) => ({ ...(await importOriginal<object>()), features: list }))
    const { default: router } = await import('@/router')
    await router.push('/')
    return router
  }

  it('adds a feature’s pages before the not-found page', async () => {
    const router = await withFeatures([leave()])
    expect(router.resolve('/leave/12').name).toBe('leave-detail')
    expect(router.resolve('/leave/12/x').name).toBe('not-found')
  })

  it('shows each feature’s panel on 工作台', async () => {
    const router = await withFeatures([leave()])
    const { default: HomeView } = await import('@/views/HomeView.vue')
    const home = mount(HomeView, { global: { plugins: [router] } })
    await flushPromises()
    const section = home.get('[data-testid="workbench-leave"]')
    expect(section.attributes('aria-label')).toBe('请假')
    expect(section.get('[data-testid="leave-panel"]').text()).toBe('待审批 3 条')
    expect(home.find('[data-testid="feature-new-command"]').exists()).toBe(false)
  })

  it('shows the simpler 长辈版 panel when 长辈版 is on: the count, the action, the list, no standard panel', async () => {
    localStorage.setItem('ywxt.text-settings.v1', JSON.stringify({ size: 'standard', elder: true }))
    const elder = {
      label: '待审批',
      load: async () => ({ entries: [{ key: 4, title: '王五 3 月 2 日请假', note: '年假 1 天', to: '/leave/4' }] }),
      empty: '暂无待审批的请假',
      action: { route: 'leave-list', label: '申请请假' },
    }
    const router = await withFeatures([leave({ elder })])
    const { default: HomeView } = await import('@/views/HomeView.vue')
    const home = mount(HomeView, { global: { plugins: [router] } })
    await vi.waitFor(() => expect(home.find('[data-testid="elder-list-leave"]').exists()).toBe(true))
    const section = home.get('[data-testid="workbench-leave"]')
    expect(section.find('[data-testid="leave-panel"]').exists()).toBe(false)
    expect(section.get('h2').text()).toBe('请假')
    expect(section.get('[data-testid="elder-count-leave"]').text()).toBe('1 件')
    expect(section.get('[data-testid="elder-action-leave"]').attributes('href')).toBe('#/leave')
    expect(section.get('[data-testid="elder-entry-leave-4"]').text()).toBe('王五 3 月 2 日请假年假 1 天')
  })

  it('keeps the standard panel in 长辈版 for a feature without 长辈版 data', async () => {
    localStorage.setItem('ywxt.text-settings.v1', JSON.stringify({ size: 'standard', elder: true }))
    const router = await withFeatures([leave()])
    const { default: HomeView } = await import('@/views/HomeView.vue')
    const home = mount(HomeView, { global: { plugins: [router] } })
    await flushPromises()
    expect(home.get('[data-testid="leave-panel"]').text()).toBe('待审批 3 条')
  })

  it('says how to add a feature when there is none', async () => {
    const router = await withFeatures([])
    const { default: HomeView } = await import('@/views/HomeView.vue')
    const home = mount(HomeView, { global: { plugins: [router] } })
    await flushPromises()
    expect(home.get('[data-testid="greeting"]').text()).toBe('张三，您好')
    expect(home.get('[data-testid="empty-state"]').text()).toContain('工作台还没有业务功能')
    expect(home.get('[data-testid="feature-new-command"]').text()).toBe('flask --app wsgi feature new <name> --title <中文名>')
    expect(home.text()).toContain('README.md')
  })

  it('puts a feature’s tab between 工作台 and 消息', async () => {
    const router = await withFeatures([leave()])
    const { default: TheTabbar } = await import('@/components/TheTabbar.vue')
    const tabbar = mount(TheTabbar, { global: { plugins: [router] } })
    expect(tabbar.findAll('a').map((tab) => tab.attributes('data-testid'))).toEqual([
      'tab-home',
      'tab-leave-list',
      'tab-messages',
      'tab-profile',
    ])
    expect(tabbar.get('[data-testid="tab-leave-list"]').attributes('href')).toBe('#/leave')
  })

  it('moves between tabs with the arrow keys, Home and End; only the current tab is in the Tab order', async () => {
    const router = await withFeatures([leave()])
    const { default: TheTabbar } = await import('@/components/TheTabbar.vue')
    const tabbar = mount(TheTabbar, { global: { plugins: [router] }, attachTo: document.body })
    const tabindexes = () => tabbar.findAll('a').map((tab) => tab.attributes('tabindex'))
    expect(tabindexes()).toEqual(['0', '-1', '-1', '-1'])
    // Each key focuses the tab it lands on; the e2e suite (keyboard.spec.ts) sees the pages
    // open, these pages (lazy) do not load here.
    const press = async (from: string, key: string, to: string) => {
      await tabbar.get(`[data-testid="tab-${from}"]`).trigger('keydown', { key })
      expect(document.activeElement?.getAttribute('data-testid')).toBe(`tab-${to}`)
    }
    await press('home', 'ArrowRight', 'leave-list')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('leave-list'))
    await flushPromises()
    expect(tabindexes()).toEqual(['-1', '0', '-1', '-1'])
    await press('leave-list', 'ArrowLeft', 'home')
    await vi.waitFor(() => expect(router.currentRoute.value.name).toBe('home'))
    await press('home', 'End', 'profile')
    await press('profile', 'ArrowRight', 'home')
    await press('home', 'ArrowLeft', 'profile')
    await press('profile', 'Home', 'home')
    // A row of tabs: Down is the page's, not the tabs'.
    await press('home', 'ArrowDown', 'home')
    tabbar.unmount()
  })

  it.each([
    ['with a feature', [leave()], ['申请请假', '接收提醒']],
    ['without features', [], ['查看工作台', '接收提醒']],
  ])('the first-use guide lists the steps %s', async (_case, list, titles) => {
    await withFeatures(list)
    const { default: TheFirstUseGuide } = await import('@/components/TheFirstUseGuide.vue')
    const guide = mount(TheFirstUseGuide)
    expect(guide.findAll('.guide__step-title').map((title) => title.text())).toEqual(titles)
  })
})
