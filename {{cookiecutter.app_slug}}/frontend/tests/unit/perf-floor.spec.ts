// @vitest-environment node
import { describe, expect, it } from 'vitest'

import { checkFloor } from '../../perf/floor.mjs'
import { FLOOR_RATIO_TARGET, floorRatios, formatTable, pairedRatio, validateResults } from '../../perf/report.mjs'

// Three interleaved pairs as run.mjs records them: the slow-4G probe (ms) and Lighthouse (s).
// The figures of the first full `make perf` with the floor, on the shared 2-core machine
// (before any of issue 18's optimisations); the app's third run recorded no LCP.
const appBrowser = [
  { lcp: 3012, fcp: 3012, dataVisible: 3012.3 },
  { lcp: 1136, fcp: 1136, dataVisible: 1110.8 },
  { lcp: null, fcp: null, dataVisible: 2074.2 },
]
const floorBrowser = [
  { lcp: 620, fcp: 620, dataVisible: 623.5 },
  { lcp: 676, fcp: 676, dataVisible: 688.6 },
  { lcp: 332, fcp: 332, dataVisible: 294.3 },
]
const appLighthouse = [
  { lcp: 1.6428864, tbt: 190.6 },
  { lcp: 1.570312, tbt: 312 },
  { lcp: 1.40073, tbt: 1012 },
]
const floorLighthouse = [
  { lcp: 0.7276779, tbt: 38.5 },
  { lcp: 0.8121241, tbt: 40 },
  { lcp: 0.79370855, tbt: 0 },
]

describe('the landing page against its floor (perf/report.mjs)', () => {
  it('takes the median of the pairs’ ratios, not the ratio of the medians', () => {
    const { ratio, pairs } = pairedRatio(
      appBrowser.map((run) => run.dataVisible),
      floorBrowser.map((run) => run.dataVisible),
    )
    // Ratios 4.831, 1.613, 7.048: the median is the first pair's. The medians' ratio
    // (2074.2 / 623.5 = 3.33) would set runs the machine ran in different states side by side.
    expect(ratio).toBe(4.831)
    expect(pairs).toEqual([
      [3012.3, 623.5],
      [1110.8, 688.6],
      [2074.2, 294.3],
    ])
  })

  it('leaves out a pair with a side missing, and has no ratio without a pair', () => {
    // The browser's LCP: the app's third run has none, so two pairs (4.858, 1.680).
    expect(pairedRatio(appBrowser.map((run) => run.lcp), floorBrowser.map((run) => run.lcp))).toEqual({
      ratio: 3.269,
      pairs: [
        [3012, 620],
        [1136, 676],
      ],
    })
    expect(pairedRatio([1000, null, 900], [500, 400, undefined]).ratio).toBe(2)
    expect(pairedRatio([1000], [0]).ratio).toBeNull()
    expect(pairedRatio([], []).ratio).toBeNull()
  })

  it('uses Lighthouse’s LCP when Lighthouse ran, the browser’s otherwise', () => {
    const full = floorRatios({
      app: { browser: appBrowser, lighthouse: appLighthouse },
      floor: { browser: floorBrowser, lighthouse: floorLighthouse },
    })
    expect(full.lcp_source).toBe('lighthouse')
    expect(full.lcp_vs_floor).toBe(1.934) // 2.258, 1.934, 1.765
    expect(full.data_visible_vs_floor).toBe(4.831)
    expect(full.tbt_ms).toEqual({ app: 312, floor: 39 })
    expect(full.ok).toEqual({ lcp_vs_floor: false, data_visible_vs_floor: false })
    expect(full.target).toBe(FLOOR_RATIO_TARGET)

    const quick = floorRatios({ app: { browser: appBrowser, lighthouse: [] }, floor: { browser: floorBrowser, lighthouse: [] } })
    expect(quick.lcp_source).toBe('browser')
    expect(quick.lcp_vs_floor).toBe(quick.browser_lcp_vs_floor)
    expect(quick.lcp_vs_floor).toBe(3.269)
    expect(quick.tbt_ms).toBeNull()
  })

  it('prints the ratios with their verdicts, and a results file without them is refused', () => {
    const ratios = floorRatios({
      app: { browser: [{ lcp: 700, fcp: 700, dataVisible: 760 }], lighthouse: [] },
      floor: { browser: [{ lcp: 650, fcp: 650, dataVisible: 640 }], lighthouse: [] },
    })
    const results = {
      schema: 1,
      mode: 'quick',
      runs: 1,
      generated_at: new Date(0).toISOString(),
      metrics: [],
      extra: [],
      environment: {},
      ratios,
    }
    expect(validateResults(results, [])).toEqual([])
    const table = formatTable(results)
    expect(table).toMatch(/LCP vs floor \(slow 4G browser\)\s+\| 1\.08×\s+\| <= 1\.15× \| OK/)
    expect(table).toMatch(/Data visible vs floor \(slow 4G\)\s+\| 1\.19×\s+\| <= 1\.15× \| over/)
    expect(validateResults({ ...results, ratios: undefined }, [])).toContain('ratios is missing')
    expect(validateResults({ ...results, ratios: { ...ratios, lcp_vs_floor: 0 } }, [])).toContain('ratios.lcp_vs_floor is not above 0')
  })
})

describe('the floor page check (perf/floor.mjs)', () => {
  const css = `<style>${'.item-card{padding:12px}'.repeat(10)}</style>`
  it('accepts static HTML with inline CSS', () => {
    expect(() => checkFloor(`<html><head>${css}</head><body>张伟，您好</body></html>`, 2)).not.toThrow()
  })
  it('refuses a page that still has a script, an external stylesheet or no CSS', () => {
    expect(() => checkFloor(`<html><head>${css}<script type="application/json">{}</script></head></html>`, 2)).toThrow(/<script>/)
    expect(() => checkFloor(`<html><head>${css}<link rel="stylesheet" href="/assets/a.css"></head></html>`, 2)).toThrow(/外部样式/)
    expect(() => checkFloor('<html><head></head><body>张伟</body></html>', 2)).toThrow(/没有内联的样式/)
  })
})
