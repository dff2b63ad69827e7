import { createApp } from 'vue'

// Vant's base stylesheet first, then the one theme file over it (STYLE.md (d)).
import 'vant/es/style/base.css'
import './styles/theme.css'
import './styles/layout.css'

import App from './App.vue'
import { appConfig, applyPageWidth } from './config'
import router from './router'

applyPageWidth(document.documentElement, appConfig().pageWidth)

createApp(App).use(router).mount('#app')
