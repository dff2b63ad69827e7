/**
 * The core API, one function per endpoint, over the default same-origin client; a feature
 * keeps its own endpoints in src/features/<name>/api.ts over the same `api`.
 */
import { createApiClient, redirectToLogin } from './client'
import { createFirstScreenAnswers, readFirstScreen } from './firstScreen'
import type { AgentSignature, Contact, CorpSignature, Me, MessagePage, Profile } from './types'

let csrfToken: string | null = null
let mePromise: Promise<Me> | null = null
// Where the first screen's answers come from: index.html's data block; the build's
// first-screen template (src/firstScreen.server.ts) gives marked ones instead.
let readAnswers = readFirstScreen
export const readFirstScreenFrom = (read: () => Map<string, unknown>) => (readAnswers = read)
const firstScreen = createFirstScreenAnswers(() => readAnswers())

export const api = createApiClient({
  fetch: (input, init) => fetch(input, init),
  csrfToken: async () => csrfToken ?? (await loadMe()).csrf_token,
  onUnauthorized: redirectToLogin,
  isOnline: () => navigator.onLine,
  firstAnswer: (url) => firstScreen.take(url),
})

/** Once the first screen is up: the answers index.html carried that it did not use are dropped. */
export const dropFirstScreen = () => firstScreen.drop()

/** The user as the page carries them, for the first render; later calls of loadMe() get the same. */
export function firstMe(): Me | undefined {
  const me = api.first<Me>('/api/me')
  if (me) {
    csrfToken = me.csrf_token
    mePromise ??= Promise.resolve(me)
  }
  return me
}

/** Who is logged in; also where the CSRF token for state-changing requests comes from. */
export function loadMe(): Promise<Me> {
  mePromise ??= api.get<Me>('/api/me').then(
    (me) => {
      csrfToken = me.csrf_token
      return me
    },
    (error: unknown) => {
      mePromise = null
      throw error
    },
  )
  return mePromise
}

export const searchContacts = (q: string) =>
  api.get<{ users: Contact[] }>('/api/contacts', { q }).then((data) => data.users)

/** A page of the inbox; `before` is the previous page's `next_before`. */
export const fetchMessages = (before?: number) => api.get<MessagePage>('/api/messages', { before })

export const markMessageRead = (id: number) => api.post<void>(`/api/messages/${id}/read`)

export const fetchProfile = () => api.get<Profile>('/api/profile')

export const grantConsent = () => api.post<{ authorize_url: string }>('/api/consent')

export const withdrawConsent = () => api.del<void>('/api/consent')

export function fetchSignature(type: 'corp', url: string): Promise<CorpSignature>
export function fetchSignature(type: 'agent', url: string): Promise<AgentSignature>
export function fetchSignature(type: 'corp' | 'agent', url: string) {
  return api.get<CorpSignature | AgentSignature>('/api/jssdk/signature', { url, type })
}
