/**
 * Scope the px→vw conversion to the adaptive mobile layout.
 *
 * postcss-px-to-viewport-8-plugin scales every px to the viewport width. That is what the
 * 375 px mobile design wants, but it would blow up the PC client's fixed-width page (DB31DSJ/Z
 * 003 附录 D 页面框架: 760–950 px) and wide adaptive windows. So, before the converter runs,
 * this plugin
 *   1. marks every existing px declaration with the converter's own
 *      `px-to-viewport-ignore-next` comment, so the base rules keep their px values, and
 *   2. puts a copy of each top-level rule's px declarations right after the rule, inside
 *      `@media (max-width: N px)` and under `:where(html.<rootClass>)`, which the converter
 *      (run with `mediaQuery: true`) turns into vw.
 * `:where()` adds no specificity, and each copy sits right after its rule, so the cascade
 * is unchanged. A webview without `:where()` drops the copies and simply shows the px layout.
 */
import { AtRule, Comment, type Declaration, type Plugin, type Rule } from 'postcss'

export interface AdaptiveViewportOptions {
  /** Class on <html> that turns the scaled layout on (set at run time from the page width mode). */
  rootClass: string
  /** Widest viewport that still gets the scaled mobile layout. */
  maxWidth: number
  /** Pixel values at or below this stay px (hairlines); match the converter's minPixelValue. */
  minPixelValue?: number
}

const IGNORE_NEXT = 'px-to-viewport-ignore-next'
const PX_VALUE = /"[^"]*"|'[^']*'|url\([^)]*\)|(\d*\.?\d+)px/g

function hasScalablePx(value: string, minPixelValue: number): boolean {
  for (const match of value.matchAll(PX_VALUE)) {
    if (match[1] !== undefined && parseFloat(match[1]) > minPixelValue) return true
  }
  return false
}

/** `:root`/`html` get the class on themselves; anything else is looked up below <html>. */
export function scopeSelector(selector: string, rootClass: string): string | null {
  const scope = `:where(html.${rootClass})`
  const trimmed = selector.trim()
  if (trimmed.startsWith(':host')) return null // no shadow DOM in this app
  const root = /^(:root|html)(?![\w-])/.exec(trimmed)
  if (root) return `${root[1]}${`:where(.${rootClass})`}${trimmed.slice(root[1].length)}`
  return `${scope} ${trimmed}`
}

export function adaptiveViewport(options: AdaptiveViewportOptions): Plugin {
  const minPixelValue = options.minPixelValue ?? 1
  return {
    postcssPlugin: 'adaptive-viewport',
    Once(root) {
      const scalable = (decl: Declaration) => hasScalablePx(decl.value, minPixelValue)
      const copies: Array<[Rule, AtRule]> = []
      root.each((node) => {
        if (node.type !== 'rule') return
        const decls = (node.nodes ?? []).filter(
          (child): child is Declaration => child.type === 'decl' && scalable(child),
        )
        if (decls.length === 0) return
        const selectors = node.selectors
          .map((selector) => scopeSelector(selector, options.rootClass))
          .filter((selector): selector is string => selector !== null)
        if (selectors.length === 0) return
        const copy = node.clone({ selectors, nodes: [] })
        copy.append(decls.map((decl) => decl.clone()))
        const media = new AtRule({ name: 'media', params: `(max-width: ${options.maxWidth}px)` })
        media.append(copy)
        copies.push([node, media])
      })
      // Mark every original px declaration (including those in other at-rules) as "keep px".
      root.walkDecls((decl) => {
        if (scalable(decl)) decl.before(new Comment({ text: IGNORE_NEXT }))
      })
      for (const [rule, media] of copies) rule.after(media)
    },
  }
}
adaptiveViewport.postcss = true as const
