import { afterEach, describe, expect, it, vi } from 'vitest'

import { ApiError, createApiClient, loginUrl, redirectToLogin, REQUEST_TIMEOUT_MS, type ApiClientDeps } from '@/api/client'

function json(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  })
}

function setup(fetchImpl: ApiClientDeps['fetch'], overrides: Partial<ApiClientDeps> = {}) {
  const fetchMock = vi.fn(fetchImpl)
  const deps = {
    csrfToken: vi.fn(async () => 'csrf-token-123'),
    onUnauthorized: vi.fn(),
    isOnline: () => true,
    ...overrides,
  }
  return { deps, fetchMock, api: createApiClient({ ...deps, fetch: fetchMock }) }
}

async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (problem: unknown) => problem,
  )
  expect(error).toBeInstanceOf(ApiError)
  return error as ApiError
}

afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('requests', () => {
  it('sends same-origin JSON with cookies and no CSRF header on GET', async () => {
    const { deps, fetchMock, api } = setup(async () => json(200, { users: [] }))

    await expect(api.get('/api/contacts', { q: '王' })).resolves.toEqual({ users: [] })

    const [url, init] = fetchMock.mock.calls[0]
    expect(url).toBe('/api/contacts?q=%E7%8E%8B')
    expect(init).toMatchObject({ method: 'GET', credentials: 'same-origin', headers: { Accept: 'application/json' } })
    expect((init?.headers as Record<string, string>)['X-CSRF-Token']).toBeUndefined()
    expect(deps.csrfToken).not.toHaveBeenCalled()
  })

  it('sends the CSRF token from /api/me on POST and DELETE', async () => {
    const { fetchMock, api } = setup(async () => json(200, { authorize_url: '/consent' }))

    await api.post('/api/consent', { scope: 'snsapi_privateinfo' })
    await api.del('/api/consent')

    for (const [, init] of fetchMock.mock.calls) {
      expect((init?.headers as Record<string, string>)['X-CSRF-Token']).toBe('csrf-token-123')
    }
    const [, postInit] = fetchMock.mock.calls[0]
    expect(postInit).toMatchObject({ method: 'POST', body: JSON.stringify({ scope: 'snsapi_privateinfo' }) })
    expect((postInit?.headers as Record<string, string>)['Content-Type']).toBe('application/json')
  })

  it('answers undefined for 204 No Content', async () => {
    const { api } = setup(async () => new Response(null, { status: 204 }))
    await expect(api.post('/api/messages/3/read')).resolves.toBeUndefined()
  })
})

describe('failures become friendly errors', () => {
  it('gives up after 4.5 s (under the standard’s 5 s) with a timeout error', async () => {
    expect(REQUEST_TIMEOUT_MS).toBe(4500)
    vi.useFakeTimers()
    // A server that never answers, but lets the request be aborted.
    const { api } = setup(
      (_url, init) =>
        new Promise((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')))
        }),
    )

    const pending = failure(api.get('/api/messages'))
    await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS - 1)
    let settled = false
    void pending.then(() => (settled = true))
    await Promise.resolve()
    expect(settled).toBe(false)
    await vi.advanceTimersByTimeAsync(1)

    const error = await pending
    expect(error.kind).toBe('timeout')
    expect(error.title).toBe('请求超时')
    expect(error.retryable).toBe(true)
  })

  it('turns a 5xx into a friendly message, never the server’s text', async () => {
    const { api } = setup(async () => new Response('<html>502 Bad Gateway nginx</html>', { status: 502 }))

    const error = await failure(api.get('/api/messages'))
    expect(error).toMatchObject({ kind: 'server', status: 502, title: '服务暂时不可用' })
    expect(error.message).toBe('服务器暂时无法响应，请稍后重试。')
    expect(error.message).not.toContain('nginx')
  })

  it('tells offline from a server that cannot be reached', async () => {
    const offline = setup(async () => Promise.reject(new TypeError('Failed to fetch')), { isOnline: () => false })
    expect((await failure(offline.api.get('/api/me'))).kind).toBe('offline')

    const unreachable = setup(async () => Promise.reject(new TypeError('Failed to fetch')))
    expect((await failure(unreachable.api.get('/api/me'))).kind).toBe('network')
  })

  it('keeps the server’s title, message and field errors for a 4xx', async () => {
    const { api } = setup(async () =>
      json(400, {
        error: { status: 400, title: '参数有误', message: '请检查填写的内容。', fields: { scope: '授权范围有误' } },
      }),
    )

    const error = await failure(api.post('/api/consent', {}))
    expect(error).toMatchObject({ kind: 'client', status: 400, title: '参数有误', message: '请检查填写的内容。' })
    expect(error.fields).toEqual({ scope: '授权范围有误' })
    expect(error.retryable).toBe(false)
  })
})

describe('401', () => {
  it('sends the browser to the login page and rejects', async () => {
    const { deps, api } = setup(async () =>
      json(401, { error: { status: 401, title: '未登录', message: '请先登录。' } }),
    )

    const error = await failure(api.get('/api/me'))
    expect(error.kind).toBe('unauthorized')
    expect(deps.onUnauthorized).toHaveBeenCalledTimes(1)
  })

  it('comes back to the same screen after login', () => {
    expect(loginUrl('#/me?from=7')).toBe('/auth/login?next=%2F%23%2Fme%3Ffrom%3D7')
    expect(loginUrl('')).toBe('/auth/login?next=%2F')

    const location = { hash: '#/messages', href: 'http://127.0.0.1:5000/#/messages' }
    vi.stubGlobal('location', location)
    redirectToLogin()
    expect(location.href).toBe('/auth/login?next=%2F%23%2Fmessages')
  })
})
