/**
 * The first screen (工作台) as HTML, rendered at build time by Vue's server renderer from the
 * app's own components: `dist/first-screen.json` (vite-plugins/first-screen.ts runs this).
 *
 * The backend (src/<package>/prerender.py) puts it into index.html's `#app` for a logged-in
 * user, each `⟦slot⟧` filled with that user's HTML-escaped data, so the list shows with the
 * HTML itself, before any script has run (DB31DSJ/Z 003 §6.3.6 d: the first screen within
 * 2 s). The scripts then mount the app over it; its first render draws the same markup from
 * the same data (the page's first-screen block), so nothing moves. Being rendered from the
 * components, with their scoped-style attributes, the markup cannot drift from the app's.
 *
 * Never part of the browser bundle: only the build imports it.
 */
import { createSSRApp, h, type Component } from 'vue'
import { createMemoryHistory, createRouter } from 'vue-router'
import { renderToString } from 'vue/server-renderer'

import { readFirstScreenFrom } from '@/api'
import App from '@/App.vue'
import type { FirstScreenPanel, RenderComponent } from '@/features'
import { features } from '@/features'
import { routes } from '@/router/routes'

/** What the backend fills in (prerender.py reads the same names). */
export interface FirstScreenTemplate {
  version: 1
  /** The whole `#app` content by the tab badge's form: no unread message, 1–99, more. */
  pages: { none: string; some: string; many: string }
  /** Each server-drawn feature panel's fragments, by feature name. */
  panels: Record<string, Record<string, string>>
}

/** A number that draws as the slot `⟦name⟧` and compares as `value` (v-if="unread > 0"). */
export const markedNumber = (name: string, value: number) => ({ valueOf: () => value, toString: () => `⟦${name}⟧` })

// The one store of answers the app's first render reads (src/api, `first`), refilled per render.
const answers = new Map<string, unknown>()
readFirstScreenFrom(() => answers)

/** Only what the landing page's setup touches: its title and the backend's meta tags (none here). */
const documentStub = { title: '', querySelector: () => null, getElementById: () => null }

export const render: RenderComponent = async (component, props = {}, given = {}) => {
  answers.clear()
  for (const [url, answer] of Object.entries(given)) answers.set(url, answer)
  ;(globalThis as { document?: unknown }).document ??= documentStub
  // The client's hash history writes links as `#/path`; a memory history based at `/#` does too.
  const router = createRouter({ history: createMemoryHistory('/#'), routes })
  const app = createSSRApp({ render: () => h(component as Component, props) })
  app.use(router)
  await router.push('/')
  await router.isReady()
  return renderToString(app)
}

const servers = import.meta.glob<{ default: FirstScreenPanel }>('./features/*/firstScreen.server.ts', { eager: true })
const serverPanels = new Map(
  Object.entries(servers).map(([file, module]) => [file.split('/').slice(-2)[0], module.default] as const),
)

export async function renderFirstScreen(): Promise<FirstScreenTemplate> {
  const panels: FirstScreenTemplate['panels'] = {}
  for (const feature of features) {
    const server = serverPanels.get(feature.name)
    if (server && feature.workbench) panels[feature.name] = await server.fragments(render)
  }
  // On the page, a server-drawn panel is its slot; any other panel shows once the scripts run.
  for (const feature of features) {
    const slot = `⟦panel:${feature.name}⟧`
    feature.workbench = feature.name in panels ? () => slot : () => null
  }
  const me = { userid: '', name: '⟦name⟧', csrf_token: '' }
  const page = (unread: unknown) => render(App, {}, { '/api/me': me, '/api/messages': { messages: [], unread, next_before: null } })
  return {
    version: 1,
    pages: {
      none: await page(0),
      some: await page(markedNumber('unread', 1)),
      many: await page(markedNumber('unread', 100)),
    },
    panels,
  }
}
