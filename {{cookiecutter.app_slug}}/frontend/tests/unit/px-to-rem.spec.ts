import postcss from 'postcss'
import { describe, expect, it } from 'vitest'

import { pxToRem, pxToRemValue, withTextFloor } from '../../vite-plugins/px-to-rem'

async function convert(css: string): Promise<string> {
  const result = await postcss([pxToRem()]).process(css, { from: undefined })
  return result.css.replace(/\s+/g, ' ').trim()
}

describe('px → rem, so sizes follow the user’s font size', () => {
  it('turns lengths into rem at 16 px per rem and keeps hairlines', async () => {
    expect(await convert('.card { padding: 16px 12px; border: 1px solid #ccc; font-size: 15px }')).toBe(
      '.card { padding: 1rem 0.75rem; border: 1px solid #ccc; font-size: max(0.9375rem, var(--app-text-floor, 0px)) }',
    )
  })

  it('converts :root variables, Vant’s included, and negative lengths', async () => {
    expect(await convert(':root { --van-font-size-md: 14px; --m: -8px }')).toBe(
      ':root { --van-font-size-md: 0.875rem; --m: -0.5rem }',
    )
  })

  it('leaves media queries, quoted text, url() and 1-px factors alone', async () => {
    expect(await convert('@media (min-width: 960px) { .a { content: "12px"; width: calc(44 * 1px) } }')).toBe(
      '@media (min-width: 960px) { .a { content: "12px"; width: calc(44 * 1px) } }',
    )
    expect(pxToRemValue('url(a-20px.svg) 20px')).toBe('url(a-20px.svg) 1.25rem')
  })

  it('gives every font size the text mode’s floor, once, and leaves keywords alone', async () => {
    expect(await convert('.tag { font-size: 12px } .van-tag { font-size: var(--van-tag-font-size) !important }')).toBe(
      '.tag { font-size: max(0.75rem, var(--app-text-floor, 0px)) } ' +
        '.van-tag { font-size: max(var(--van-tag-font-size), var(--app-text-floor, 0px)) !important }',
    )
    expect(await convert('.a { font-size: inherit } .b { font-size: smaller } .c { line-height: 12px }')).toBe(
      '.a { font-size: inherit } .b { font-size: smaller } .c { line-height: 0.75rem }',
    )
    expect(withTextFloor('.8em')).toBe('max(.8em, var(--app-text-floor, 0px))')
    expect(withTextFloor('max(1rem, var(--app-text-floor, 0px))')).toBe('max(1rem, var(--app-text-floor, 0px))')
  })
})
