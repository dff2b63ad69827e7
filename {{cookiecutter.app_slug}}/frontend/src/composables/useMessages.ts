import { ref, shallowRef } from 'vue'

import { api, fetchMessages, markMessageRead } from '@/api'
import type { Message, MessagePage } from '@/api/types'

// One list for the whole app: the tab badge and the messages page read the same state.
const messages = shallowRef<Message[] | null>(null)
const unread = ref(0)
// The next page's `before`; null when the newest page is the last (the server's paging).
const nextBefore = ref<number | null>(null)
let inFlight: Promise<void> | null = null
// Counts the reloads: a next page asked for before one must not land after the new list.
let reloads = 0

function show(page: MessagePage) {
  messages.value = page.messages
  unread.value = page.unread
  nextBefore.value = page.next_before
}

/** Load (or reload) the newest page; concurrent callers share one request. */
function load(): Promise<void> {
  inFlight ??= fetchMessages()
    .then((page) => {
      reloads++
      show(page)
    })
    .finally(() => {
      inFlight = null
    })
  return inFlight
}

/**
 * The next page, added below: the messages it brought (none if the list was reloaded
 * meanwhile, so that a page never lands after a list it does not follow).
 */
async function loadMore(): Promise<Message[]> {
  const before = nextBefore.value
  if (!messages.value || before === null) return []
  const reloadsBefore = reloads
  const page = await fetchMessages(before)
  if (reloads !== reloadsBefore) return []
  show({ ...page, messages: [...(messages.value ?? []), ...page.messages] })
  return page.messages
}

/**
 * The messages the page carries (the first screen's), at once: the tab badge is in the first
 * render as the server drew it. False when there are none; then load() asks the server.
 */
function takeFirst(): boolean {
  const data = api.first<MessagePage>('/api/messages')
  if (!data) return false
  show(data)
  return true
}

/** Mark one message read, locally at once and then on the server. */
async function markRead(message: Message): Promise<void> {
  if (message.read) return
  messages.value = (messages.value ?? []).map((m) => (m.id === message.id ? { ...m, read: true } : m))
  unread.value = Math.max(0, unread.value - 1)
  await markMessageRead(message.id)
}

export function useMessages() {
  return { messages, unread, nextBefore, load, loadMore, markRead, takeFirst }
}
