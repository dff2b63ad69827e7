import { createRouter, createWebHashHistory } from 'vue-router'

import { routes } from './routes'

// Hash history: the JS-SDK signs location.href without the hash, so one signature serves
// every route, and the platform todo links point at <APP_BASE_URL>/#/<route>.
// Depth stays ≤ 5 (DB31DSJ/Z 003 §6.3.6 e): a tab page, then a feature's pages below it
// (src/features/index.ts rejects a feature route deeper than MAX_ROUTE_DEPTH).
const router = createRouter({
  history: createWebHashHistory(),
  routes,
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
})

// vue-router follows the browser's own hash changes (back, a #/… link, location.hash) only
// once its first navigation is done, and that navigation then writes its route back into the
// address bar: a change made while the first page (a lazy chunk) was still loading was lost,
// the app staying on the old page. Catch such a change and follow it once ready.
let missedHash: string | null = null
const rememberHash = () => (missedHash = window.location.hash)
window.addEventListener('hashchange', rememberHash)
const followMissedHash = () => {
  window.removeEventListener('hashchange', rememberHash)
  if (missedHash !== null) void router.replace(missedHash.slice(1) || '/')
}
void router.isReady().then(followMissedHash, followMissedHash)

export default router
