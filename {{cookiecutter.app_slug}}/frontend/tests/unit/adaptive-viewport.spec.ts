import postcss from 'postcss'
import pxToViewport from 'postcss-px-to-viewport-8-plugin'
import { describe, expect, it } from 'vitest'

import { adaptiveViewport, scopeSelector } from '../../vite-plugins/adaptive-viewport'

async function convert(css: string): Promise<string> {
  const result = await postcss([
    adaptiveViewport({ rootClass: 'page-adaptive', maxWidth: 600 }),
    pxToViewport({ viewportWidth: 375, mediaQuery: true, minPixelValue: 1 }),
  ]).process(css, { from: undefined })
  // Compare without formatting whitespace.
  return result.css.replace(/\s+/g, ' ').replace(/\s*([{};,])\s*/g, '$1').trim()
}

describe('px→vw only for the adaptive mobile layout', () => {
  it('keeps px in the base rule and adds a scoped vw copy right after it', async () => {
    const css = await convert('.card { padding: 16px; border: 1px solid #ccc; color: #333 }')
    expect(css).toBe(
      '.card{padding: 16px;border: 1px solid #ccc;color: #333}' +
        '@media (max-width: 600px){:where(html.page-adaptive) .card{padding: 4.26667vw}}',
    )
  })

  it('scopes :root variables to the root element itself', async () => {
    const css = await convert(':root, :host { --van-font-size-md: 14px }')
    expect(css).toBe(
      ':root,:host{--van-font-size-md: 14px}' +
        '@media (max-width: 600px){:root:where(.page-adaptive){--van-font-size-md: 3.73333vw}}',
    )
  })

  it('leaves rules inside existing media queries in px', async () => {
    const css = await convert('@media (min-width: 768px) { .page { padding: 24px } }')
    expect(css).toBe('@media (min-width: 768px){.page{padding: 24px}}')
  })

  it('adds nothing for rules without scalable px', async () => {
    expect(await convert('.a { margin: 0; border-width: 1px }')).toBe('.a{margin: 0;border-width: 1px}')
  })

  it('builds selectors that add no specificity', () => {
    expect(scopeSelector('html body', 'page-adaptive')).toBe('html:where(.page-adaptive) body')
    expect(scopeSelector('.van-cell:after', 'page-adaptive')).toBe(':where(html.page-adaptive) .van-cell:after')
    expect(scopeSelector(':host', 'page-adaptive')).toBeNull()
  })
})
