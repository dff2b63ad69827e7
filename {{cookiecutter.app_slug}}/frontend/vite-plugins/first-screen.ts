/**
 * `dist/first-screen.json`: the landing page's first screen as HTML templates, rendered by
 * Vue's server renderer from the app's own components (src/firstScreen.server.ts).
 *
 * After the browser build, a second, server-side build of that entry goes to a temporary
 * folder; it is run once and removed. Nothing of it reaches dist/assets: the server renderer
 * stays out of the browser's scripts (the landing route's budget). The backend puts the
 * templates, filled per user, into index.html's `#app` (src/<package>/prerender.py).
 */
import { rm, writeFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

import { build, type Plugin, type ResolvedConfig } from 'vite'

export const FIRST_SCREEN_FILE = 'first-screen.json'
const ENTRY = 'src/firstScreen.server.ts'

export function firstScreenTemplate(): Plugin {
  let config: ResolvedConfig
  return {
    name: 'first-screen-template',
    apply: (userConfig, env) => env.command === 'build' && !userConfig.build?.ssr,
    configResolved(resolved) {
      config = resolved
    },
    async closeBundle() {
      // Inside the project, where Node finds vue and vue-router for it.
      const outDir = resolve(config.root, 'node_modules/.tmp/first-screen')
      try {
        await build({
          configFile: config.configFile,
          root: config.root,
          mode: config.mode,
          logLevel: 'warn',
          // One file; Vant bundled, its stylesheets dropped (Node cannot import a .css).
          build: { ssr: ENTRY, outDir, emptyOutDir: true, copyPublicDir: false, rolldownOptions: { output: { codeSplitting: false } } },
          ssr: { noExternal: [/(^|\/)(vant|@vant)\b/] },
        })
        const module = (await import(pathToFileURL(join(outDir, 'firstScreen.server.js')).href)) as {
          renderFirstScreen: () => Promise<unknown>
        }
        const template = await module.renderFirstScreen()
        await writeFile(resolve(config.root, config.build.outDir, FIRST_SCREEN_FILE), JSON.stringify(template))
      } finally {
        await rm(outDir, { recursive: true, force: true })
      }
    },
  }
}
