/**
 * axe-core in the Playwright suite (WCAG 2.1 A and AA, GB/T 37668-2019 follows the same
 * criteria): every page and state a spec opens can be checked with `expectNoAxeViolations`.
 * The specs that pass a state here are the accessibility tests of docs/compliance.md.
 */
import AxeBuilder from '@axe-core/playwright'
import type { Page } from '@playwright/test'

import { expect } from './support'

export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']

export interface AxeFinding {
  rule: string
  impact: string | null | undefined
  nodes: string[]
}

/** The violations on the page as it is now (every frame, the whole document). */
export async function axeViolations(page: Page): Promise<AxeFinding[]> {
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
