import { fileURLToPath, URL } from 'node:url'

import { VantResolver } from '@vant/auto-import-resolver'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { defineConfig } from 'vite'

import { brotliAssets } from './vite-plugins/brotli-assets.ts'
import { firstScreenTemplate } from './vite-plugins/first-screen.ts'
import { pxToRem } from './vite-plugins/px-to-rem.ts'
import { vantIconFontFree } from './vite-plugins/vant-icon-font-free.ts'

// The Flask backend during `npm run dev` (API and SSO are same-origin behind the proxy).
const BACKEND = process.env.BACKEND_URL || 'http://127.0.0.1:5000'
// The platform JS-SDK script's origin; in production the backend sends its own CSP.
const JSSDK_ORIGIN = process.env.JSSDK_ORIGIN || 'http://127.0.0.1:5001'

/** The CSP the app is built to run under (no inline script or style, no eval). */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  `script-src 'self' ${JSSDK_ORIGIN}`,
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
].join('; ')

const CORE_MODULES =
  /node_modules[\\/](@vue|vue|vue-router)[\\/]|plugin-vue:export-helper|vant[\\/]es[\\/]style[\\/]base\.css|src[\\/]components[\\/]AppIcon\.vue/

export default defineConfig({
  plugins: [
    vue(),
    // Vant on demand; styles of function APIs (showToast, showConfirmDialog) are imported by hand.
    Components({ resolvers: [VantResolver()], dts: 'src/components.d.ts' }),
    vantIconFontFree(),
    // dist/assets/<file>.br for nginx's brotli_static and the app's asset route (§6.3.6 d).
    brotliAssets(),
    // dist/first-screen.json: 工作台 as HTML for the backend to serve before the scripts run.
    firstScreenTemplate(),
  ],
  define: {
    // Every component here (Vant's included) uses setup(): drop Options API support (~3 kB gz).
    __VUE_OPTIONS_API__: 'false',
  },
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  css: {
    postcss: {
      // Every size in rem from the user's root font size (vite-plugins/px-to-rem.ts).
      plugins: [pxToRem()],
    },
  },
  build: {
    outDir: 'dist',
    // Strict CSP: every asset is a file of its own, never an inline data: URL.
    assetsInlineLimit: 0,
    // Webviews of the platform's mobile and PC clients lag behind desktop browsers.
    target: ['chrome87', 'safari14', 'firefox78', 'edge88'],
    rolldownOptions: {
      output: {
        // One "core" chunk for what the landing route and the lazy routes share: Vue, the
        // router, Vant's base stylesheet and the SVG icons. Without it Rolldown splits a
        // third, 1 kB common chunk off the landing route: one more request (target ≤ 8).
        // The Vant components of the other routes travel together: one request, cached once.
        codeSplitting: {
          groups: [
            { name: 'core', test: CORE_MODULES },
            { name: 'vant', test: /node_modules[\\/](vant|@vant)[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: { '/api': BACKEND, '/auth': BACKEND },
  },
  preview: {
    headers: { 'Content-Security-Policy': CONTENT_SECURITY_POLICY },
  },
})
