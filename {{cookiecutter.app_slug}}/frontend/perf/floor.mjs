/**
 * The landing page's floor (issue 18): the same first screen as static HTML and CSS, with the
 * data in the HTML and no JavaScript: what no front end could beat on the same link. It is
 * made fresh in every `make perf` run from the app itself, so it never drifts from it:
 *
 * 1. The built app is opened once (unthrottled, the same logged-in user and data) and left
 *    until its first screen's data is on screen and the network is idle.
 * 2. Its DOM is copied as it is then (header, tabs, the list: the items the app shows),
 *    with every script, preload and the first-screen data block taken out.
 * 3. The app's CSS that the first screen loaded (its stylesheets, read through the CSSOM)
 *    goes inline in one <style>, only the rules that match an element of the copy (with
 *    :hover, ::before and the like read as their element), plus @font-face, @keyframes and
 *    the custom properties they need: the "critical CSS inline" of a hand-made page.
 *
 * The gzip proxy (perf/gzip-proxy.mjs) then serves that page as nginx serves a static file,
 * gzipped with nginx's settings, through the same server, link and CPU throttling as the app.
 */

/** Where the proxy serves the floor page. */
export const FLOOR_PATH = '/__perf/floor'

/**
 * Runs in the app's page: the floor page's HTML and what went into it.
 * @returns {{ html: string, rules: { kept: number, total: number }, stylesheets: string[] }}
 */
export function snapshotFirstScreen() {
  // A selector's element: the selector without its pseudo-classes and pseudo-elements
  // (:hover, ::before, :not(...) and the like), so a rule for a state of an element that is
  // there is kept. Leaves nothing but a combinator? Then it cannot be tested: keep it.
  const elementOf = (selector) =>
    selector
      .replace(/::?[a-zA-Z-]+(\((?:[^()]|\([^()]*\))*\))?/g, '')
      .replace(/([>+~]|^|\s)(?=\s*(?:[>+~,]|$))/g, '$1*')
      .trim()
  const matches = (selectorText) =>
    selectorText.split(',').some((selector) => {
      const plain = elementOf(selector)
      if (!plain || plain === '*') return true
      try {
        return document.querySelector(plain) !== null
      } catch {
        return true // a selector this browser cannot test: keep its rule
      }
    })
  let total = 0
  let kept = 0
  const keep = (rules) => {
    const out = []
    for (const rule of rules) {
      if (rule instanceof CSSStyleRule) {
        total++
        if (matches(rule.selectorText)) {
          kept++
          out.push(rule.cssText)
        }
      } else if (rule instanceof CSSMediaRule || rule instanceof CSSSupportsRule) {
        const inner = keep(rule.cssRules)
        if (inner.length) out.push(`${rule.cssText.slice(0, rule.cssText.indexOf('{'))}{${inner.join('')}}`)
      } else {
        out.push(rule.cssText) // @font-face, @keyframes, @import-less at-rules: as they are
      }
    }
    return out
  }
  const stylesheets = []
  const css = []
  for (const sheet of document.styleSheets) {
    // The server-drawn first screen has the landing page's stylesheets inline (frontend.py).
    stylesheets.push(sheet.href ? new URL(sheet.href).pathname : '<style> (inline)')
    css.push(...keep(sheet.cssRules))
  }

  const copy = /** @type {HTMLElement} */ (document.documentElement.cloneNode(true))
  for (const element of copy.querySelectorAll('script, link[rel="modulepreload"], link[rel="preload"], link[rel="stylesheet"], style')) {
    element.remove()
  }
  const style = document.createElement('style')
  style.textContent = css.join('\n')
  const head = copy.querySelector('head')
  head.append(style)
  return { html: `<!doctype html>\n${copy.outerHTML}`, rules: { kept, total }, stylesheets }
}

/**
 * Opens the app's landing page in `context` and returns its floor page.
 * @param {import('@playwright/test').BrowserContext} context logged in, first-use guide dismissed
 * @param {string} url the app's landing page
 * @param {string[]} selectors what shows once the first screen's data is there (as the probe)
 * @param {number} timeout ms
 */
export async function makeFloor(context, url, selectors, timeout) {
  const page = await context.newPage()
  try {
    await page.goto(url, { waitUntil: 'load', timeout })
    for (const selector of selectors) await page.locator(selector).first().waitFor({ timeout })
    await page.waitForLoadState('networkidle', { timeout })
    const floor = await page.evaluate(snapshotFirstScreen)
    checkFloor(floor.html, selectors.length)
    return floor
  } finally {
    await page.close()
  }
}

/**
 * The floor page must be what it claims: no script of any kind, the CSS inline, and the
 * first screen's data in it. Throws (in Chinese, for the person running make perf) if not.
 * @param {string} html
 * @param {number} selectorCount
 */
export function checkFloor(html, selectorCount) {
  const problems = []
  if (/<script\b/i.test(html)) problems.push('页面里还有 <script>')
  if (/<link\b[^>]*rel="(?:stylesheet|modulepreload)"/i.test(html)) problems.push('页面里还有外部样式或脚本预加载')
  if (!/<style>[^<]{100,}/.test(html)) problems.push('没有内联的样式')
  if (selectorCount < 1) problems.push('没有可等的首屏数据选择器')
  if (problems.length) throw new Error(`基准页（floor）生成有误：${problems.join('；')}`)
}
