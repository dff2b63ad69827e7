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

/**
 * @param {string} upstream e.g. http://127.0.0.1:5000
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function startGzipProxy(upstream) {
  const target = new URL(upstream)
  const agent = new http.Agent({ keepAlive: true })
  const server = http.createServer((request, response) => {
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
          let body = Buffer.concat(chunks)
          const headers = { ...answer.headers }
          const type = String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase()
          const accepts = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))
          if (GZIP_TYPES.has(type) && !headers['content-encoding'] && request.method !== 'HEAD') {
            // nginx's gzip_vary; the asset route names Accept-Encoding itself when it has a
            // Brotli copy, and once is enough.
            headers.vary = addVary(headers.vary, 'Accept-Encoding')
            if (accepts && body.length >= GZIP_MIN_LENGTH) {
              body = gzipSync(body, { level: GZIP_LEVEL })
              headers['content-encoding'] = 'gzip'
              headers['content-length'] = String(body.length)
            }
          }
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
    close: () =>
      new Promise((done) => {
        agent.destroy()
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
}
