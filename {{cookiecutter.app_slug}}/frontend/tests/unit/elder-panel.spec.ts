/**
 * ElderPanel a page at a time: a feature's `elder.load` gives a page and maybe `next`; the
 * count says 20+ until the last page, 加载更多 adds the next page below and moves the focus to
 * it, a failure keeps the list, and a page that answers after the panel is gone stays silent.
 */
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, describe, expect, it } from 'vitest'
import { createMemoryHistory, createRouter } from 'vue-router'

import ElderPanel from '@/components/ElderPanel.vue'
import type { ElderPage, ElderWorkbench } from '@/features'
import { announcement } from '@/ui/announce'

const entry = (key: number) => ({ key, title: `请假 ${key}`, to: `/leave/${key}` })
const pageOf = (keys: number[], next?: () => Promise<ElderPage>): ElderPage => ({ entries: keys.map(entry), next })

/** A promise and the functions that settle it. */
function deferred<T>() {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((done, fail) => ((resolve = done), (reject = fail)))
  return { promise, resolve, reject }
}

async function mountPanel(load: () => Promise<ElderPage>) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:rest(.*)', component: { template: '<div />' } }] })
  await router.push('/')
  const elder: ElderWorkbench = { label: '待审批', load, empty: '暂无待审批' }
  const panel = mount(ElderPanel, { props: { name: 'leave', title: '请假', elder }, global: { plugins: [router] }, attachTo: document.body })
  await flushPromises()
  return panel
}

const keysShown = (panel: Awaited<ReturnType<typeof mountPanel>>) =>
  panel.findAll('[data-testid^="elder-entry-leave-"]').map((link) => link.attributes('data-testid')!.replace('elder-entry-leave-', ''))

describe('ElderPanel', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('says 2+ while pages remain, adds the next below, focuses its first entry, and then counts exactly', async () => {
    const last = pageOf([3])
    const panel = await mountPanel(async () => pageOf([1, 2], async () => last))
    expect(panel.get('[data-testid="elder-count-leave"]').text()).toBe('2+ 件')

    await panel.get('[data-testid="elder-load-more-leave"]').trigger('click')
    await flushPromises()
    expect(keysShown(panel)).toEqual(['1', '2', '3'])
    expect(panel.get('[data-testid="elder-count-leave"]').text()).toBe('3 件')
    expect(document.activeElement?.getAttribute('data-testid')).toBe('elder-entry-leave-3')
    expect(announcement.value).toBe('已加载 1 件，没有更多了')
    expect(panel.find('[data-testid="elder-load-more-leave"]').exists()).toBe(false)
  })

  it('keeps the list and says so when the next page fails, and 加载更多 works again', async () => {
    let failing = true
    const panel = await mountPanel(async () =>
      pageOf([1], async () => {
        if (failing) throw new Error('offline')
        return pageOf([2])
      }),
    )
    await panel.get('[data-testid="elder-load-more-leave"]').trigger('click')
    await flushPromises()
    expect(panel.get('[role="alert"]').text()).toBe('加载失败，请检查网络后重试')
    expect(keysShown(panel)).toEqual(['1'])

    failing = false
    await panel.get('[data-testid="elder-load-more-leave"]').trigger('click')
    await flushPromises()
    expect(keysShown(panel)).toEqual(['1', '2'])
    expect(panel.find('[role="alert"]').exists()).toBe(false)
  })

  it('neither speaks nor moves the focus when the page answers after 长辈版 was switched off', async () => {
    const late = deferred<ElderPage>()
    const panel = await mountPanel(async () => pageOf([1], () => late.promise))
    await panel.get('[data-testid="elder-load-more-leave"]').trigger('click')
    announcement.value = ''
    panel.unmount()
    late.resolve(pageOf([2]))
    await flushPromises()
    expect(announcement.value).toBe('')
    expect(document.activeElement).toBe(document.body)
  })
})
