/** useMessages: the inbox a page at a time; a next page never lands after a list it does not follow. */
import { describe, expect, it, vi } from 'vitest'

import type { Message, MessagePage } from '@/api/types'
import { useMessages } from '@/composables/useMessages'

const api = vi.hoisted(() => ({ api: { first: vi.fn() }, fetchMessages: vi.fn(), markMessageRead: vi.fn() }))
vi.mock('@/api', () => api)

const message = (id: number): Message => ({
  id,
  title: `消息 ${id}`,
  description: '请查看',
  url: '/#/',
  created_at: '2026-03-02T09:15:00+08:00',
  read: false,
})
const page = (ids: number[], nextBefore: number | null, unread = 30): MessagePage => ({
  messages: ids.map(message),
  unread,
  next_before: nextBefore,
})

/** A promise and the function that settles it. */
function deferred<T>() {
  let resolve!: (value: T) => void
  const promise = new Promise<T>((done) => (resolve = done))
  return { promise, resolve }
}

describe('useMessages', () => {
  it('adds the next page below the shown one until the last', async () => {
    const { messages, nextBefore, load, loadMore } = useMessages()
    api.fetchMessages.mockResolvedValueOnce(page([30, 29], 29)).mockResolvedValueOnce(page([28], null))
    await load()
    expect(await loadMore()).toEqual([message(28)])
    expect(api.fetchMessages).toHaveBeenLastCalledWith(29)
    expect(messages.value?.map((m) => m.id)).toEqual([30, 29, 28])
    expect(nextBefore.value).toBeNull()
    expect(await loadMore()).toEqual([]) // nothing more to ask for
    expect(api.fetchMessages).toHaveBeenCalledTimes(2)
  })

  it('drops a next page that answers after the list was reloaded', async () => {
    const { messages, nextBefore, load, loadMore } = useMessages()
    api.fetchMessages.mockReset().mockResolvedValueOnce(page([30, 29], 29))
    await load()
    const late = deferred<MessagePage>()
    api.fetchMessages.mockReturnValueOnce(late.promise).mockResolvedValueOnce(page([31, 30], 30))
    const more = loadMore()
    await load() // a new message arrived: the list starts again from the newest
    late.resolve(page([28], null))
    expect(await more).toEqual([])
    expect(messages.value?.map((m) => m.id)).toEqual([31, 30])
    expect(nextBefore.value).toBe(30)
  })
})
