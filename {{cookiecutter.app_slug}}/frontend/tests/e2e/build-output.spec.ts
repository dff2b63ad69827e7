import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { brotliDecompressSync, gzipSync } from 'node:zlib'

import { BROTLI_MIN_BYTES, worthCompressing } from '../../vite-plugins/brotli-assets'
import { expect, test } from './support'

// What `npm run build` produced, checked once (not per browser project).
const DIST = fileURLToPath(new URL('../../dist/', import.meta.url))
const read = (path: string) => readFileSync(`${DIST}${path}`, 'utf8')
const assets = readdirSync(`${DIST}assets`)
const gzipBytes = (path: string) => gzipSync(readFileSync(`${DIST}${path}`), { level: 9 }).length

// Initial-route budgets (shared/reference/frontend-baseline.md §6, tightened for this app).
const BUDGET = { jsGzip: 50_000, cssGzip: 15_000, requests: 8 }

test.beforeEach(({}, testInfo) => {
  test.skip(testInfo.project.name !== 'phone', 'static checks run once')
})

test('index.html has no inline script or style (strict CSP) and keeps the config placeholder', () => {
  const html = read('index.html')
  expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
  expect(html).not.toMatch(/<style/)
  expect(html).not.toMatch(/\sstyle=/)
  // The backend replaces the placeholder: it must occur exactly once, in the meta tag.
  expect(html.split('__APP_CONFIG__')).toHaveLength(2)
  expect(html).toContain('<meta name="app-config" content="__APP_CONFIG__"')
  const viewport = html.match(/<meta name="viewport" content="([^"]*)"/)?.[1]
  expect(viewport).toBe('width=device-width, initial-scale=1, viewport-fit=cover')
})

test('no icon font, no third-party origin, no eval', () => {
  for (const file of assets.filter((name) => name.endsWith('.css'))) {
    const css = read(`assets/${file}`)
    expect(css, file).not.toMatch(/@font-face|vant-icon|alicdn|url\(data:/)
  }
  for (const file of assets.filter((name) => name.endsWith('.js'))) {
    const js = read(`assets/${file}`)
    expect(js, file).not.toMatch(/\beval\(|new Function\(/)
    expect(js, file).not.toMatch(/res\.wx\.qq\.com|alicdn\.com/)
  }
  expect(assets.some((name) => /\.(woff2?|ttf)$/.test(name))).toBe(false)
})

test('the landing route stays within its budgets', () => {
  const html = read('index.html')
  const files = [...html.matchAll(/(?:src|href)="\/(assets\/[^"]+)"/g)].map((match) => match[1])
  const js = files.filter((file) => file.endsWith('.js'))
  const css = files.filter((file) => file.endsWith('.css'))
  const jsGzip = js.reduce((sum, file) => sum + gzipBytes(file), 0)
  const cssGzip = css.reduce((sum, file) => sum + gzipBytes(file), 0)
  const requests = 1 + files.length // index.html + its assets
  console.log(`landing route: ${requests} files, JS ${jsGzip} B gz (${js.join(', ')}), CSS ${cssGzip} B gz (${css.join(', ')})`)
  expect(jsGzip).toBeLessThanOrEqual(BUDGET.jsGzip)
  expect(cssGzip).toBeLessThanOrEqual(BUDGET.cssGzip)
  expect(requests).toBeLessThanOrEqual(BUDGET.requests)
})

test('every asset worth it has a Brotli copy that decodes to it, and nothing else has one', () => {
  // vite-plugins/brotli-assets.ts; nginx's brotli_static and the app's asset route send them.
  const copies = new Set(assets.filter((name) => name.endsWith('.br')))
  const originals = assets.filter((name) => !name.endsWith('.br'))
  for (const file of originals) {
    const contents = readFileSync(`${DIST}assets/${file}`)
    if (!copies.has(`${file}.br`)) {
      expect(worthCompressing(file, contents.byteLength), `${file} has no .br copy`).toBe(false)
      continue
    }
    copies.delete(`${file}.br`)
    expect(contents.byteLength, file).toBeGreaterThanOrEqual(BROTLI_MIN_BYTES)
    const copy = readFileSync(`${DIST}assets/${file}.br`)
    expect(brotliDecompressSync(copy).equals(contents), file).toBe(true)
  }
  expect([...copies], 'copies without their file').toEqual([])
  // The landing scripts, at least, travel as Brotli.
  const html = read('index.html')
  const scripts = [...html.matchAll(/(?:src|href)="\/assets\/([^"]+\.js)"/g)].map((match) => match[1])
  expect(scripts.length).toBeGreaterThan(0)
  for (const script of scripts) expect(assets, script).toContain(`${script}.br`)
})
