import { nextTick, onUnmounted, ref } from 'vue'

import { announce } from '@/ui/announce'

/** What a next page brought: how many, whether it was the last, and what to focus (a data-testid). */
export interface AddedPage {
  count: number
  last: boolean
  focus?: string
}

/**
 * 加载更多 under a list, the same everywhere: `loadMore(fetchPage, addPage)` fetches the next
 * page, has the caller add it below (`addPage`, at once: null if the list changed meanwhile),
 * then says how many came (`unit`: 项, 条, 件) and moves the focus to the element named, so the
 * keyboard goes on from there. A failure sets `failed` and keeps the list. A page that answers
 * after the component is gone (another box, 长辈版 switched off) neither speaks nor moves the
 * focus; the component may go because of the page itself (the button leaves with the last).
 */
export function useLoadMore(unit: string) {
  const loading = ref(false)
  const failed = ref(false)
  let shownNow = true
  onUnmounted(() => (shownNow = false))

  async function loadMore<Page>(fetchPage: () => Promise<Page>, addPage: (page: Page) => AddedPage | null): Promise<void> {
    if (loading.value) return
    loading.value = true
    failed.value = false
    try {
      const page = await fetchPage()
      if (!shownNow) return
      const added = addPage(page)
      if (!added) return
      announce(`已加载 ${added.count} ${unit}${added.last ? '，没有更多了' : ''}`)
      if (added.focus) {
        await nextTick()
        document.querySelector<HTMLElement>(`[data-testid="${added.focus}"]`)?.focus()
      }
    } catch {
      failed.value = true
    } finally {
      loading.value = false
    }
  }

  return { loading, failed, loadMore }
}
