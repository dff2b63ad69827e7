/**
 * The real stack of tests/real/global-setup.ts, plus a stand-in for the platform's web portal:
 * a page on another loopback origin that frames the app (§6.3.2 b). The app is started with
 * YWXT_PORTAL_ORIGINS set to that origin, so its CSP frame-ancestors lets the portal in.
 * After the run, the teardown writes the gallery from what the specs recorded.
 */
import { mkdirSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'

import realSetup from '../real/global-setup'
import { OUTPUT_DIR, RESULTS_DIR, SHOTS_DIR, writeGallery } from './gallery'

function portalPage(appUrl: string, route: string): string {
  const src = `${appUrl}/#${route.startsWith('/') ? route : '/'}`
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>一网协同 · 网页端门户（模拟）</title>
<style>
  body { margin: 0; font: 14px/1.5 system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif;
         background: #eef2f7; color: #1f2329; display: grid; grid-template-columns: 200px 1fr;
         grid-template-rows: 48px 1fr; height: 100vh; }
  header { grid-column: 1 / 3; background: #1f5fbf; color: #fff; display: flex; align-items: center;
           padding: 0 20px; font-weight: 600; letter-spacing: .05em; }
  nav { background: #fff; border-right: 1px solid #e3e7ed; padding: 16px 0; }
  nav div { padding: 10px 20px; color: #545b66; }
  nav div.active { color: #1f5fbf; background: #eaf1fb; font-weight: 600; }
  main { padding: 16px; display: flex; justify-content: center; }
  iframe { border: 0; width: 100%; max-width: 960px; height: calc(100vh - 80px); background: #fff;
           border-radius: 8px; box-shadow: 0 1px 4px rgba(31, 35, 41, .12); }
</style></head>
<body><header>一网协同 · 网页端门户（模拟）</header>
<nav><div>工作台</div><div class="active">协同应用</div><div>通讯录</div><div>消息</div></nav>
<main><iframe data-testid="portal-frame" title="应用" src="${src.replace(/"/g, '&quot;')}"></iframe></main>
</body></html>`
}

function startPortal(): Promise<{ server: Server; origin: string }> {
  return new Promise((done, fail) => {
    const server = createServer((request, response) => {
      const url = new URL(request.url ?? '/', 'http://127.0.0.1')
      response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' })
      response.end(portalPage(process.env.REAL_APP_URL ?? '', url.searchParams.get('route') ?? '/'))
    })
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      done({ server, origin: `http://127.0.0.1:${port}` })
    })
  })
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  rmSync(OUTPUT_DIR, { recursive: true, force: true })
  mkdirSync(SHOTS_DIR, { recursive: true })
  mkdirSync(RESULTS_DIR, { recursive: true })
  const portal = await startPortal()
  process.env.YWXT_PORTAL_ORIGINS = portal.origin
  process.env.WALKTHROUGH_PORTAL_URL = portal.origin
  let stopStack: () => Promise<void>
  try {
    stopStack = await realSetup()
  } catch (error) {
    portal.server.close()
    throw error
  }
  return async () => {
    await stopStack()
    portal.server.close()
    const written = writeGallery()
    console.log(`走查画廊：${written.index}（问题 ${written.failures} 项，见 ${written.failuresFile}）`)
  }
}
