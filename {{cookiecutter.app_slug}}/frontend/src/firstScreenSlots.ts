/**
 * Helpers for a feature's `firstScreen.server.ts` (build time only): turn markup rendered with
 * sample values into a fragment with `⟦slot⟧` marks. Each one throws when what it looks for is
 * not there, so a component change that breaks a fragment fails the build instead of serving
 * markup that differs from the app's.
 */

export class FirstScreenTemplateError extends Error {
  constructor(message: string) {
    super(`首屏模板生成失败：${message}`)
    this.name = 'FirstScreenTemplateError'
  }
}

/** `html` with every `sample` (a value rendered as it is: an id, a date) replaced by `⟦slot⟧`. */
export function markSample(html: string, sample: string, slot: string): string {
  if (!html.includes(sample)) throw new FirstScreenTemplateError(`找不到示例值 ${sample}（⟦${slot}⟧）`)
  return html.split(sample).join(`⟦${slot}⟧`)
}

/**
 * The part a `v-if` adds: `withPart` and `without` render the same component with the
 * condition true and false. Returns `without` as a template with `⟦slot⟧` where the part goes,
 * and the part. Cuts at tag boundaries (a false v-if leaves `<!---->`, dropped with the slot).
 */
export function optionalPart(withPart: string, without: string, slot: string): { template: string; part: string } {
  let same = 0
  while (same < withPart.length && withPart[same] === without[same]) same++
  let sameEnd = 0
  const most = Math.min(withPart.length, without.length) - same
  while (sameEnd < most && withPart.at(-1 - sameEnd) === without.at(-1 - sameEnd)) sameEnd++
  const start = withPart.lastIndexOf('<', same)
  const end = withPart.indexOf('<', Math.max(withPart.length - sameEnd, start + 1))
  const left = without.slice(start, without.length - (withPart.length - end))
  // Without the part there is nothing in its place, or the comment Vue leaves for a v-if.
  if (start < 0 || end < 0 || !/^(<!--[^>]*-->)?$/.test(left)) {
    throw new FirstScreenTemplateError(`无法定位 ⟦${slot}⟧ 的可选部分`)
  }
  return { template: `${withPart.slice(0, start)}⟦${slot}⟧${withPart.slice(end)}`, part: withPart.slice(start, end) }
}

/**
 * The one entry of a `v-for` list rendered with one item, and the markup around it with
 * `⟦slot⟧` where the entries go. `container` is an attribute of the list's element, e.g.
 * `data-testid="item-list-todo"`; the list must be the element's whole content.
 */
export function listEntry(html: string, container: string, slot: string): { template: string; entry: string } {
  const at = html.indexOf(container)
  const tagStart = html.lastIndexOf('<', at)
  const tag = /^<([a-z][a-z0-9-]*)/.exec(html.slice(tagStart))?.[1]
  const open = html.indexOf('>', at) + 1
  const close = html.indexOf(`<!--]--></${tag}>`, open)
  if (at < 0 || !tag || !html.startsWith('<!--[-->', open) || close < 0) {
    throw new FirstScreenTemplateError(`找不到 ${container} 中的列表（⟦${slot}⟧）`)
  }
  const start = open + '<!--[-->'.length
  return { template: `${html.slice(0, start)}⟦${slot}⟧${html.slice(close)}`, entry: html.slice(start, close) }
}
