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
 *
 * Every `font-size` also gets a floor: `max(<size>, var(--app-text-floor, 0px))`. The floor is
 * 0 unless a text mode sets it; 长辈版 sets it to 18 px at the default root (规范: main text
 * ≥ 18 dp/pt), so no tag, badge or label anywhere stays smaller, Vant's included, without a
 * rule per component. Keywords (`inherit`, `smaller`, …) are left as they are.
 */
import type { Plugin } from 'postcss'

export interface PxToRemOptions {
  /** Pixels per rem of the design (the browser default). */
  rootValue?: number
  /** Lengths at or below this stay px. */
  minPixelValue?: number
}

/** The custom property a text mode sets to the smallest font size it allows. */
export const TEXT_FLOOR = '--app-text-floor'
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

// A length, a percentage, a var() or a calc()/max()-style function: what max() accepts.
const SIZE_VALUE = /^(-?\d*\.?\d+(px|rem|em|%)|var\(--[\w-]+\)|(calc|min|max|clamp)\(.*\))$/

/** `0.75rem` → `max(0.75rem, var(--app-text-floor, 0px))`; keywords unchanged. */
export function withTextFloor(value: string): string {
  const size = value.trim()
  if (!SIZE_VALUE.test(size) || size.includes(TEXT_FLOOR)) return value
  return `max(${size}, var(${TEXT_FLOOR}, 0px))`
}

export function pxToRem(options: PxToRemOptions = {}): Plugin {
  const rootValue = options.rootValue ?? 16
  const minPixelValue = options.minPixelValue ?? 1
  return {
    postcssPlugin: 'px-to-rem',
    Declaration(decl) {
      let value = decl.value.includes('px') ? pxToRemValue(decl.value, rootValue, minPixelValue) : decl.value
      if (decl.prop === 'font-size') value = withTextFloor(value)
      if (value !== decl.value) decl.value = value
    },
  }
}
pxToRem.postcss = true as const
