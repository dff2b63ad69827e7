/**
 * Keep Vant's icon font out of the build.
 *
 * Every Vant component style imports `vant/es/icon/index.css`, which inlines a 25 kB base64
 * woff2 `@font-face` with a fallback on a third-party CDN — neither belongs on a government
 * intranet page under `default-src 'none'`. The app draws its icons as inline SVG
 * (src/components/AppIcon.vue) and passes them through Vant's icon slots, so this plugin serves
 * the icon stylesheet without the font and without the ~200 glyph rules.
 */
import type { Plugin } from 'vite'

const ICON_STYLESHEET = /[\\/]vant[\\/](es|lib)[\\/]icon[\\/]index\.css$/

export const ICON_CSS_WITHOUT_FONT =
  '.van-icon{position:relative;display:inline-block;font-size:inherit;line-height:1}' +
  '.van-icon__image{display:block;width:1em;height:1em;object-fit:contain}'

export function vantIconFontFree(): Plugin {
  return {
    name: 'vant-icon-font-free',
    enforce: 'pre',
    load(id) {
      if (ICON_STYLESHEET.test(id.split('?')[0])) return ICON_CSS_WITHOUT_FONT
      return null
    },
  }
}
