/**
 * A loopback reverse proxy that compresses like deploy/nginx.conf (`gzip_comp_level 5`,
 * `gzip_min_length 1024`, the same `gzip_types`, text/html always), in front of the Flask
 * server that tests/real/global-setup.ts starts. The Flask server compresses nothing on the
 * fly; in production nginx gzips, so the benchmark measures what a phone would download.
 * An answer that already has a Content-Encoding passes through untouched: that is the
 * built assets' Brotli copies (dist/assets/*.br), which the app's asset route sends to a
 * browser that accepts br, as nginx's `brotli_static on` does in production. Requests and
 * all other headers pass through unchanged (Host included, so the app sees the proxy's
 * address, and the session cookie, which has no Domain or port, works on both).
 */
import http from 'node:http'
import { gzipSync } from 'node:zlib'

const GZIP_LEVEL = 5
const GZIP_MIN_LENGTH = 1024
const GZIP_TYPES = new Set([
  'text/html',
  'text/plain',
  'text/css',
  'text/javascript',
  'application/javascript',
  'application/json',
  'application/health+json',
  'application/manifest+json',
  'image/svg+xml',
])

/**
 * A Vary header's value with `name` in it (header names are case-insensitive).
 * @param {string | undefined} vary
 * @param {string} name
 */
export function addVary(vary, name) {
  if (!vary) return name
  const names = vary.split(',').map((item) => item.trim().toLowerCase())
  return names.includes(name.toLowerCase()) || names.includes('*') ? vary : `${vary}, ${name}`
}

/** Gzips `body` as nginx would for a response of `type` (headers updated in place). */
function compress(request, headers, body, gzip) {
  const type = String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
  const accepts = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))
  if (!gzip || !GZIP_TYPES.has(type) || headers['content-encoding'] || request.method === 'HEAD') return body
  // nginx's gzip_vary; the asset route names Accept-Encoding itself when it has a
  // Brotli copy, and once is enough.
  headers.vary = addVary(headers.vary, 'Accept-Encoding')
  if (!accepts || body.length < GZIP_MIN_LENGTH) return body
  const packed = gzipSync(body, { level: GZIP_LEVEL })
  headers['content-encoding'] = 'gzip'
  headers['content-length'] = String(packed.length)
  return packed
}

/**
 * @param {string} upstream e.g. http://127.0.0.1:5000
 * @param {{ gzip?: boolean }} [options] gzip: false passes every answer through as it came
 * @returns {Promise<{ url: string, close: () => Promise<void>, serve: (path: string, html: string) => void }>}
 *   serve: answers GET `path` itself with a static HTML page, as nginx serves a static file
 *   (the perf benchmark's floor page, perf/floor.mjs); every other path goes upstream
 */
export async function startGzipProxy(upstream, { gzip = true } = {}) {
  const target = new URL(upstream)
  const agent = new http.Agent({ keepAlive: true })
  /** @type {Map<string, Buffer>} */
  const pages = new Map()
  const server = http.createServer((request, response) => {
    const page = request.method === 'GET' || request.method === 'HEAD' ? pages.get(request.url ?? '') : undefined
    if (page) {
      const headers = { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }
      const body = compress(request, headers, page, gzip)
      headers['content-length'] ??= String(body.length)
      response.writeHead(200, headers)
      response.end(request.method === 'HEAD' ? undefined : body)
      request.resume()
      return
    }
    const forward = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
        agent,
      },
      (answer) => {
        const chunks = []
        answer.on('data', (chunk) => chunks.push(chunk))
        answer.on('end', () => {
          const headers = { ...answer.headers }
          const body = compress(request, headers, Buffer.concat(chunks), gzip)
          delete headers['transfer-encoding']
          delete headers.connection
          delete headers['keep-alive']
          response.writeHead(answer.statusCode ?? 502, headers)
          response.end(request.method === 'HEAD' ? undefined : body)
        })
        answer.on('error', () => response.destroy())
      },
    )
    forward.on('error', () => {
      if (!response.headersSent) response.writeHead(502, { 'content-type': 'text/plain' })
      response.end('bad gateway')
    })
    request.pipe(forward)
  })
  await new Promise((done) => server.listen(0, '127.0.0.1', done))
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address())
  return {
    url: `http://127.0.0.1:${port}`,
    serve: (path, html) => void pages.set(path, Buffer.from(html, 'utf8')),
    close: () =>
      new Promise((done) => {
        agent.destroy()
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
}
