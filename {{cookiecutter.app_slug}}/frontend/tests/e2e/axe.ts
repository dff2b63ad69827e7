/**
 * axe-core in the Playwright suite (WCAG 2.1 A and AA, GB/T 37668-2019 follows the same
 * criteria): every page and state a spec opens can be checked with `expectNoAxeViolations`.
 * The specs that pass a state here are the accessibility tests of docs/compliance.md; the
 * keyboard helpers below drive a page as a keyboard-only user does.
 */
import AxeBuilder from '@axe-core/playwright'
import type { Frame, Page } from '@playwright/test'

import { expect } from './support'

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

export interface AxeFinding {
  rule: string
  impact: string | null | undefined
  nodes: string[]
}

/**
 * Transitions and finite animations settled: a dialog or sheet still fading in has its text
 * blended with the overlay, which axe would measure as low contrast (on a busy machine the
 * fade can outlast the test's visibility check). Endless ones (skeletons) are left running.
 */
export async function settled(target: Page | Frame): Promise<void> {
  await target.evaluate(() =>
    Promise.all(
      document
        .getAnimations()
        .filter((animation) => animation.effect?.getComputedTiming().iterations !== Infinity)
        .map((animation) => animation.finished.catch(() => undefined)),
    ),
  )
}

/** The violations on the page once it has settled (every frame, the whole document). */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
  await settled(page)
  const results = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze()
  return results.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    nodes: violation.nodes.map((node) => `${node.target.join(' ')} — ${node.failureSummary ?? ''}`.slice(0, 300)),
  }))
}

export async function expectNoAxeViolations(page: Page, state: string): Promise<void> {
  expect(await axeViolations(page), `axe (${AXE_TAGS.join(', ')}) on ${state}`).toEqual([])
}

/** Press Tab until the element with `testId` has focus (a keyboard user's way there). */
export async function tabTo(page: Page, testId: string, maxPresses = 40): Promise<void> {
  for (let presses = 0; presses < maxPresses; presses++) {
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(() => document.activeElement?.closest('[data-testid]')?.getAttribute('data-testid'))
    if (focused === testId) return
  }
  throw new Error(`Tab never reached ${testId} in ${maxPresses} presses`)
}

/** The focused element's accessible bits, to assert where focus went. */
export async function focusedElement(page: Page): Promise<{ tag: string; text: string; testId: string | null }> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLElement | null
    return {
      tag: element?.tagName.toLowerCase() ?? '',
      text: element?.textContent?.trim() ?? '',
      testId: element?.closest('[data-testid]')?.getAttribute('data-testid') ?? null,
    }
  })
}

/** The outline a focused element shows (the :focus-visible ring). */
export async function focusRing(page: Page): Promise<{ style: string; width: number }> {
  return page.evaluate(() => {
    const style = getComputedStyle(document.activeElement as Element)
    return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) }
  })
}
