/**
 * Sizes in rem, so text follows the user (WCAG 2.1 SC 1.4.4, 工信部《移动互联网应用（APP）
 * 适老化通用设计规范》: text size adjustable with the system setting or in the app).
 *
 * The app's and Vant's stylesheets are written in px (a 16-px root). This plugin rewrites
 * every px length in a declaration into rem at 16 px = 1 rem. The root font size is never set
 * in px: it is the browser's or the WebView's default (the client's 字体大小 setting), times
 * the app's own 字体大小 / 长辈版 step (src/styles/text-size.css), so every size scales with it.
 *
 * What stays px: lengths of 1 px or less (hairline borders; `calc(44 * 1px)` factors such as
 * --app-tap-min, whose floor is a touch target in CSS px, not text), anything in quotes or
 * url(), and media query parameters (viewport widths, not declarations).
 */
import type { Plugin } from 'postcss'

export interface PxToRemOptions {
  /** Pixels per rem of the design (the browser default). */
  rootValue?: number
  /** Lengths at or below this stay px. */
  minPixelValue?: number
}

const PX_VALUE = /"[^"]*"|'[^']*'|url\([^)]*\)|(-?\d*\.?\d+)px\b/g

/** `16px 1px` → `1rem 1px` (numbers rounded to 5 decimals). */
export function pxToRemValue(value: string, rootValue = 16, minPixelValue = 1): string {
  return value.replace(PX_VALUE, (match, number: string | undefined) => {
    if (number === undefined) return match
    const px = parseFloat(number)
    if (Math.abs(px) <= minPixelValue) return match
    return `${Number((px / rootValue).toFixed(5))}rem`
  })
}

export function pxToRem(options: PxToRemOptions = {}): Plugin {
  const rootValue = options.rootValue ?? 16
  const minPixelValue = options.minPixelValue ?? 1
  return {
    postcssPlugin: 'px-to-rem',
    Declaration(decl) {
      if (!decl.value.includes('px')) return
      const value = pxToRemValue(decl.value, rootValue, minPixelValue)
      if (value !== decl.value) decl.value = value
    },
  }
}
pxToRem.postcss = true as const
