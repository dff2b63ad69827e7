import { ref, shallowRef } from 'vue'

import { api, fetchMessages, markMessageRead } from '@/api'
import type { Message } from '@/api/types'

// One list for the whole app: the tab badge and the messages page read the same state.
const messages = shallowRef<Message[] | null>(null)
const unread = ref(0)
let inFlight: Promise<void> | null = null

/** Load (or reload) the messages; concurrent callers share one request. */
function load(): Promise<void> {
  inFlight ??= fetchMessages()
    .then((data) => {
      messages.value = data.messages
      unread.value = data.unread
    })
    .finally(() => {
      inFlight = null
    })
  return inFlight
}

/**
 * The messages the page carries (the first screen's), at once: the tab badge is in the first
 * render as the server drew it. False when there are none; then load() asks the server.
 */
function takeFirst(): boolean {
  const data = api.first<{ messages: Message[]; unread: number }>('/api/messages')
  if (!data) return false
  messages.value = data.messages
  unread.value = data.unread
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
  return { messages, unread, load, markRead, takeFirst }
}
