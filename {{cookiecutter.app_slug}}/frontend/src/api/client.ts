/**
 * The JSON client for the app's own backend: same origin, cookies, CSRF header, 4.5 s timeout.
 *
 * Every failure becomes an `ApiError` whose `kind` the UI turns into a friendly state
 * (DB31DSJ/Z 003 §6.3.3 c); a 401 sends the browser to the platform login first.
 */

// DB31DSJ/Z 003 §6.3.3 a: an operation answers within 5 s, so give up before that.
export const REQUEST_TIMEOUT_MS = 4500

export type ApiErrorKind =
  | 'timeout' // no answer in time
  | 'offline' // the device has no network
  | 'network' // online, but the server could not be reached
  | 'server' // 5xx
  | 'unauthorized' // 401: on the way to the login page
  | 'client' // other 4xx: the server's own title and message

export interface ErrorBody {
  error?: { status?: number; title?: string; message?: string; fields?: Record<string, string> }
}

const FRIENDLY: Record<Exclude<ApiErrorKind, 'client'>, { title: string; message: string }> = {
  timeout: { title: '请求超时', message: '服务器响应时间较长，请稍后重试。' },
  offline: { title: '网络未连接', message: '请检查网络连接后重试。' },
  network: { title: '无法连接服务器', message: '请检查网络连接，或稍后重试。' },
  server: { title: '服务暂时不可用', message: '服务器暂时无法响应，请稍后重试。' },
  unauthorized: { title: '登录已过期', message: '正在重新登录，请稍候。' },
}

// `declare` fields and assignments in the constructor: class-field syntax would pull a
// defineProperty helper into the landing bundle for the older webview targets.
export class ApiError extends Error {
  declare readonly kind: ApiErrorKind
  declare readonly status: number | null
  declare readonly title: string
  declare readonly fields: Record<string, string>

  constructor(
    kind: ApiErrorKind,
    options: { status?: number | null; title?: string; message?: string; fields?: Record<string, string> } = {},
  ) {
    const friendly = kind === 'client' ? { title: '操作未完成', message: '请求有误，请检查后重试。' } : FRIENDLY[kind]
    super(options.message || friendly.message)
    this.name = 'ApiError'
    this.kind = kind
    this.status = options.status ?? null
    this.title = options.title || friendly.title
    this.fields = options.fields ?? {}
  }

  /** Worth a 重试 button: the same request may well succeed later. */
  get retryable(): boolean {
    return this.kind !== 'client' && this.kind !== 'unauthorized'
  }
}

export type Query = Record<string, string | number | undefined>

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'DELETE'
  query?: Query
  body?: unknown
  timeoutMs?: number
}

export interface ApiClientDeps {
  fetch: typeof fetch
  /** The session's CSRF token (from GET /api/me), fetched on first need. */
  csrfToken: () => Promise<string | null>
  /** Called on 401; the default sends the browser to /auth/login. */
  onUnauthorized: () => void
  isOnline: () => boolean
  timeoutMs?: number
  /** An answer the page already carries for this GET URL (firstScreen.ts), used instead of a request. */
  firstAnswer?: (url: string) => unknown
}

export interface ApiClient {
  request<T>(path: string, options?: RequestOptions): Promise<T>
  get<T>(path: string, query?: Query): Promise<T>
  /** The answer the page carries for this GET (taken once), at once; undefined if none. */
  first<T>(path: string, query?: Query): T | undefined
  post<T>(path: string, body?: unknown): Promise<T>
  del<T>(path: string): Promise<T>
}

export function withQuery(path: string, query?: Query): string {
  if (!query) return path
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.set(key, String(value))
  }
  const search = params.toString()
  return search ? `${path}?${search}` : path
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text()
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export function createApiClient(deps: ApiClientDeps): ApiClient {
  const timeoutMs = deps.timeoutMs ?? REQUEST_TIMEOUT_MS

  async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
    const method = options.method ?? 'GET'
    const url = withQuery(path, options.query)
    if (method === 'GET' && deps.firstAnswer) {
      const answer = deps.firstAnswer(url)
      if (answer !== undefined) return answer as T
    }
    const headers: Record<string, string> = { Accept: 'application/json' }
    if (options.body !== undefined) headers['Content-Type'] = 'application/json'
    if (method !== 'GET') {
      const token = await deps.csrfToken()
      if (token) headers['X-CSRF-Token'] = token
    }

    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(), options.timeoutMs ?? timeoutMs)
    let response: Response
    let payload: unknown
    try {
      response = await deps.fetch(url, {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        credentials: 'same-origin',
        signal: controller.signal,
      })
      // The timeout covers reading the body too.
      payload = await readJson(response)
    } catch {
      if (controller.signal.aborted) throw new ApiError('timeout')
      throw new ApiError(deps.isOnline() ? 'network' : 'offline')
    } finally {
      clearTimeout(timer)
    }

    if (response.ok) return payload as T
    const detail = (payload as ErrorBody | undefined)?.error ?? {}
    if (response.status === 401) {
      deps.onUnauthorized()
      throw new ApiError('unauthorized', { status: 401 })
    }
    if (response.status >= 500) {
      // Never show a 5xx body's text: it may be a proxy's HTML page.
      throw new ApiError('server', { status: response.status })
    }
    throw new ApiError('client', {
      status: response.status,
      title: detail.title,
      message: detail.message,
      fields: detail.fields,
    })
  }

  return {
    request,
    get: (path, query) => request(path, { query }),
    first: <T>(path: string, query?: Query) => deps.firstAnswer?.(withQuery(path, query)) as T | undefined,
    post: (path, body) => request(path, { method: 'POST', body }),
    del: (path) => request(path, { method: 'DELETE' }),
  }
}

/** Where a 401 goes: the platform SSO, coming back to the same screen. */
export function loginUrl(hash: string): string {
  return '/auth/login?next=' + encodeURIComponent('/' + hash)
}

export function redirectToLogin(): void {
  location.href = loginUrl(location.hash)
}
