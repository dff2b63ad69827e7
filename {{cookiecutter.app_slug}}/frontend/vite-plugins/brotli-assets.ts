/**
 * Write a Brotli copy, `<file>.br`, beside each built asset that compresses usefully.
 *
 * The landing page needs its scripts before it can paint (DB31DSJ/Z 003 §6.3.6 d: the first
 * screen within 2 s). On a slow mobile link every kilobyte counts: at quality 11, Brotli makes
 * the landing scripts about 10 % smaller than nginx's gzip -5 does. Quality 11 is too slow to run
 * on every request, so the copies are made once here. nginx sends them with `brotli_static on`
 * (deploy/nginx.conf) and the app with its `asset` route (frontend.py), each only to a browser
 * that accepts br. Every other browser gets the plain file, gzipped on the fly by nginx.
 *
 * Only node:zlib is used, so the build needs no new dependency.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { extname, join } from 'node:path'
import { promisify } from 'node:util'
import { brotliCompress, constants } from 'node:zlib'

import type { Plugin } from 'vite'

const compress = promisify(brotliCompress)

/** Text formats worth compressing. Images and fonts are compressed already. */
export const BROTLI_EXTENSIONS = new Set(['.js', '.mjs', '.css', '.svg', '.json'])
/** Below this size, headers and a round trip outweigh the saving (nginx's gzip_min_length 1024). */
export const BROTLI_MIN_BYTES = 1024

export interface Precompressed {
  file: string
  bytes: number
  brotliBytes: number
}

/** The file's Brotli encoding: quality 11 (the best), text mode, the size told up front. */
export function brotli(contents: Uint8Array): Promise<Buffer> {
  return compress(contents, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
      [constants.BROTLI_PARAM_SIZE_HINT]: contents.byteLength,
    },
  })
}

/** Whether a file of this name and size gets a `.br` copy. */
export function worthCompressing(file: string, bytes: number, minBytes = BROTLI_MIN_BYTES): boolean {
  return BROTLI_EXTENSIONS.has(extname(file).toLowerCase()) && bytes >= minBytes
}

/**
 * Write `<file>.br` beside each of `files` (paths relative to `dir`) that is worth compressing,
 * unless the copy would not be smaller; returns what was written.
 */
export async function precompress(dir: string, files: string[], minBytes = BROTLI_MIN_BYTES): Promise<Precompressed[]> {
  const written = await Promise.all(
    files.map(async (file): Promise<Precompressed | null> => {
      if (!BROTLI_EXTENSIONS.has(extname(file).toLowerCase())) return null
      // The bytes on disk: exactly what the server sends when it sends the plain file.
      const contents = await readFile(join(dir, file))
      if (!worthCompressing(file, contents.byteLength, minBytes)) return null
      const encoded = await brotli(contents)
      if (encoded.byteLength >= contents.byteLength) return null
      await writeFile(join(dir, `${file}.br`), encoded)
      return { file, bytes: contents.byteLength, brotliBytes: encoded.byteLength }
    }),
  )
  return written.filter((entry): entry is Precompressed => entry !== null)
}

/** The Vite plugin: after the bundle is written, precompress what it put in `assetsDir`. */
export function brotliAssets(): Plugin {
  let assetsDir = 'assets'
  let log: (message: string) => void = () => undefined
  return {
    name: 'brotli-assets',
    apply: 'build',
    configResolved(config) {
      assetsDir = config.build.assetsDir
      log = (message) => config.logger.info(message)
    },
    writeBundle: {
      sequential: true,
      order: 'post',
      async handler(options, bundle) {
        if (!options.dir) return
        const files = Object.keys(bundle).filter((file) => file.startsWith(`${assetsDir}/`))
        const written = await precompress(options.dir, files)
        const kB = (bytes: number) => (bytes / 1000).toFixed(1)
        const before = written.reduce((sum, entry) => sum + entry.bytes, 0)
        const after = written.reduce((sum, entry) => sum + entry.brotliBytes, 0)
        log(`brotli-assets: ${written.length} .br files, ${kB(before)} kB → ${kB(after)} kB`)
      },
    },
  }
}
