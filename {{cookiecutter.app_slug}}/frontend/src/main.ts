import { createApp, nextTick } from 'vue'

// Vant's base stylesheet first, then the one theme file over it (STYLE.md (d)).
import 'vant/es/style/base.css'
import './styles/theme.css'
import './styles/layout.css'

import { dropFirstScreen } from './api'
import { redirectToLogin } from './api/client'
import App from './App.vue'
import { applyTextSettings } from './composables/useTextSettings'
import { appConfig, applyPageWidth } from './config'
import router from './router'

applyPageWidth(document.documentElement, appConfig().pageWidth)
// The user's 字体大小 / 长辈版 before the first render (no jump in size).
applyTextSettings(document.documentElement)

// A browser with no session (the backend marks index.html, frontend.py VISITOR_MARK) goes
// to the login page at once: no request is sent only to fail with 401 on a first visit.
const visitor = document.querySelector('meta[name="app-session"]')?.getAttribute('content') === 'none'
if (visitor) redirectToLogin()

const app = createApp(App).use(router)

// Start-up runs as two tasks, not one: evaluating the scripts, then the first render. In
// between, the main thread is free to take a tap (Lighthouse's TBT counts each task's time
// over 50 ms), and the first screen still comes at once (§6.3.6 d).
if (!visitor) setTimeout(() => {
  app.mount('#app')
  // The data index.html carried is for the first route's first render; a screen opened
  // later (工作台 again, minutes on) asks the server for fresh data.
  void router
    .isReady()
    .then(() => nextTick())
    .then(dropFirstScreen, dropFirstScreen)
})
