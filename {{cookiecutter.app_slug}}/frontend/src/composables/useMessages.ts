import { ref, shallowRef } from 'vue'

import { fetchMessages, markMessageRead } from '@/api'
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

/** Mark one message read, locally at once and then on the server. */
async function markRead(message: Message): Promise<void> {
  if (message.read) return
  messages.value = (messages.value ?? []).map((m) => (m.id === message.id ? { ...m, read: true } : m))
  unread.value = Math.max(0, unread.value - 1)
  await markMessageRead(message.id)
}

export function useMessages() {
  return { messages, unread, load, markRead }
}
