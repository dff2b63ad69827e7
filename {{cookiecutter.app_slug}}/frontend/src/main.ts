import { createApp, nextTick } from 'vue'

// Vant's base stylesheet first, then the one theme file over it (STYLE.md (d)).
import 'vant/es/style/base.css'
import './styles/theme.css'
import './styles/layout.css'

import { dropFirstScreen } from './api'
import App from './App.vue'
import { appConfig, applyPageWidth } from './config'
import router from './router'

applyPageWidth(document.documentElement, appConfig().pageWidth)

createApp(App).use(router).mount('#app')

// The data index.html carried is for the first route's first render; a screen opened later
// (工作台 again, minutes on) asks the server for fresh data.
void router
  .isReady()
  .then(() => nextTick())
  .then(dropFirstScreen, dropFirstScreen)
