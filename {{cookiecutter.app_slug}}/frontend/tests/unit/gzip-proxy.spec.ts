// @vitest-environment node
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { brotliCompressSync, gunzipSync } from 'node:zlib'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { addVary, startGzipProxy } from '../../perf/gzip-proxy.mjs'

// Stands in for the app's asset route: a Brotli copy to a browser that accepts br.
const SCRIPT = Buffer.from('console.log("工作台");\n'.repeat(200))
const BROTLI = brotliCompressSync(SCRIPT)

let upstream: http.Server
let proxy: { url: string; close: () => Promise<void>; serve: (path: string, html: string) => void }
// The perf benchmark's floor page (perf/floor.mjs): served by the proxy itself, like a static file.
const FLOOR = `<!doctype html><html><head><style>${'.a{color:red}'.repeat(200)}</style></head><body>工作台</body></html>`

beforeAll(async () => {
  upstream = http.createServer((request, response) => {
    const br = /\bbr\b/.test(String(request.headers['accept-encoding'] ?? ''))
    const headers = { 'content-type': 'text/javascript; charset=utf-8', vary: 'Accept-Encoding' }
    response.writeHead(200, br ? { ...headers, 'content-encoding': 'br' } : headers)
    response.end(br ? BROTLI : SCRIPT)
  })
  await new Promise<void>((done) => upstream.listen(0, '127.0.0.1', done))
  proxy = await startGzipProxy(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`)
})

afterAll(async () => {
  await proxy.close()
  upstream.closeAllConnections()
  await new Promise((done) => upstream.close(done))
})

/** The raw answer: headers and the body as sent (no decoding, unlike fetch). */
function get(acceptEncoding: string, path = '/assets/index-abc.js'): Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((done, fail) => {
    http
      .get(`${proxy.url}${path}`, { headers: { 'accept-encoding': acceptEncoding } }, (answer) => {
        const chunks: Buffer[] = []
        answer.on('data', (chunk: Buffer) => chunks.push(chunk))
        answer.on('end', () => done({ headers: answer.headers, body: Buffer.concat(chunks) }))
      })
      .on('error', fail)
  })
}

describe('the perf benchmark gzip proxy (nginx stand-in)', () => {
  it('passes a Brotli answer through untouched', async () => {
    const { headers, body } = await get('gzip, deflate, br, zstd')
    expect(headers['content-encoding']).toBe('br')
    expect(body.equals(BROTLI)).toBe(true)
    expect(headers.vary).toBe('Accept-Encoding')
  })

  it('gzips a plain answer, naming Accept-Encoding in Vary once', async () => {
    const { headers, body } = await get('gzip, deflate')
    expect(headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(body).equals(SCRIPT)).toBe(true)
    expect(headers.vary).toBe('Accept-Encoding')
  })

  it('serves a static page itself, gzipped as nginx would, and nothing else changes', async () => {
    proxy.serve('/__perf/floor', FLOOR)
    const page = await get('gzip, deflate, br', '/__perf/floor')
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(page.body).toString('utf8')).toBe(FLOOR)
    // Another path still goes to the app.
    const script = await get('gzip, deflate, br', '/__perf/floor/other')
    expect(script.headers['content-encoding']).toBe('br')
  })

  it('adds a Vary name only when it is missing', () => {
    expect(addVary(undefined, 'Accept-Encoding')).toBe('Accept-Encoding')
    expect(addVary('Cookie', 'Accept-Encoding')).toBe('Cookie, Accept-Encoding')
    expect(addVary('cookie, accept-encoding', 'Accept-Encoding')).toBe('cookie, accept-encoding')
    expect(addVary('*', 'Accept-Encoding')).toBe('*')
  })
})
