import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { brotliDecompressSync } from 'node:zlib'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { BROTLI_MIN_BYTES, precompress, worthCompressing } from '../../vite-plugins/brotli-assets'

// Text that compresses well, as built JS and CSS do; Chinese too (UTF-8, several bytes a character).
const SCRIPT = 'export const 标题 = "工作台";\nconsole.log(标题, [1, 2, 3].map((n) => n * 2));\n'.repeat(60)
const STYLESHEET = '.van-cell{padding:10px 16px;color:var(--van-cell-text-color)}\n'.repeat(40)

let dir: string

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'brotli-assets-'))
})

afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

const write = (file: string, contents: string | Buffer) => writeFileSync(join(dir, file), contents)

describe('precompressed Brotli copies of the built assets', () => {
  it('writes a .br copy that decodes to exactly the original file', async () => {
    write('core-abc.js', SCRIPT)
    write('index-def.css', STYLESHEET)
    const written = await precompress(dir, ['core-abc.js', 'index-def.css'])
    expect(written.map((entry) => entry.file).sort()).toEqual(['core-abc.js', 'index-def.css'])
    for (const file of ['core-abc.js', 'index-def.css']) {
      const original = readFileSync(join(dir, file))
      const copy = readFileSync(join(dir, `${file}.br`))
      expect(brotliDecompressSync(copy).equals(original), file).toBe(true)
      expect(copy.byteLength).toBeLessThan(original.byteLength)
    }
    const [script] = written.filter((entry) => entry.file === 'core-abc.js')
    expect(script.bytes).toBe(Buffer.byteLength(SCRIPT))
    expect(script.brotliBytes).toBe(readFileSync(join(dir, 'core-abc.js.br')).byteLength)
  })

  it('skips files below the minimum size, as nginx skips them for gzip', async () => {
    const small = 'console.log(1)\n'.repeat(Math.floor((BROTLI_MIN_BYTES - 1) / 15))
    expect(Buffer.byteLength(small)).toBeLessThan(BROTLI_MIN_BYTES)
    write('toast-abc.js', small)
    expect(await precompress(dir, ['toast-abc.js'])).toEqual([])
    expect(readdirSync(dir)).toEqual(['toast-abc.js'])
  })

  it('skips formats that are compressed already and files that would not shrink', async () => {
    write('logo-abc.png', Buffer.alloc(4096, 7))
    // Random bytes do not compress: a .br copy would be larger than the file.
    write('random-abc.json', randomBytes(4096))
    const written = await precompress(dir, ['logo-abc.png', 'random-abc.json'])
    expect(written).toEqual([])
    expect(readdirSync(dir).filter((file) => file.endsWith('.br'))).toEqual([])
  })

  it('knows which files are worth a copy', () => {
    expect(worthCompressing('assets/core-abc.js', 40_000)).toBe(true)
    expect(worthCompressing('assets/icon-abc.SVG', 2_000)).toBe(true)
    expect(worthCompressing('assets/index-abc.css', BROTLI_MIN_BYTES - 1)).toBe(false)
    expect(worthCompressing('assets/photo-abc.webp', 40_000)).toBe(false)
    expect(worthCompressing('assets/core-abc.js.br', 40_000)).toBe(false)
  })
})
