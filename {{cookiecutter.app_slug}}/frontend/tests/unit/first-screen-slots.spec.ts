/**
 * The build-time helpers that turn server-rendered markup into the first screen's template
 * (src/firstScreenSlots.ts): a component change that breaks a fragment must fail the build.
 */
import { describe, expect, it } from 'vitest'

import { FirstScreenTemplateError, listEntry, markSample, optionalPart } from '@/firstScreenSlots'

describe('first-screen template helpers', () => {
  it('marks every sample value, and fails when there is none', () => {
    expect(markSample('<a href="#/items/42" data-id="42">42</a>', '42', 'id')).toBe('<a href="#/items/⟦id⟧" data-id="⟦id⟧">⟦id⟧</a>')
    expect(() => markSample('<a></a>', '42', 'id')).toThrow(FirstScreenTemplateError)
  })

  it('cuts the part a v-if adds at tag boundaries', () => {
    const withPart = '<span class="pill">待我办理 <span class="count">1</span></span>'
    const without = '<span class="pill">待我办理 <!----></span>'
    expect(optionalPart(withPart, without, 'count')).toEqual({
      template: '<span class="pill">待我办理 ⟦count⟧</span>',
      part: '<span class="count">1</span>',
    })
    expect(() => optionalPart('<b>1</b><i>x</i>', '<b>2</b>', 'count')).toThrow(FirstScreenTemplateError)
  })

  it('finds the one entry of a v-for list, even with fragments inside it', () => {
    const html = '<div data-testid="list"><!--[--><a><svg><!--[--><path></path><!--]--></svg></a><!--]--></div>'
    expect(listEntry(html, 'data-testid="list"', 'cards')).toEqual({
      template: '<div data-testid="list"><!--[-->⟦cards⟧<!--]--></div>',
      entry: '<a><svg><!--[--><path></path><!--]--></svg></a>',
    })
    expect(() => listEntry('<div data-testid="list"><p>空</p></div>', 'data-testid="list"', 'cards')).toThrow(FirstScreenTemplateError)
  })
})
