/**
 * The performance budget (issue §6 "Performance budget") and the shape of perf/results.json.
 * Shared by run.mjs (which measures) and the template's tests (which check that a results
 * file parses, never the numbers).
 */

export const SCHEMA_VERSION = 1

/**
 * A metric: its id, a label for the table, its unit, the target and whether lower or higher
 * is better.
 * @typedef {{ id: string, label: string, unit: string, target: number, better: 'lower' | 'higher', source: 'browser' | 'lighthouse' }} Metric
 */

/**
 * The core's metrics, in the table's order; each feature's operations follow
 * (src/features/<name>/tests/perf.mjs, see run.mjs).
 * @type {Metric[]}
 */
export const METRICS = [
  { id: 'initial_js_gz', label: 'Initial JS (gzip)', unit: 'kB', target: 50, better: 'lower', source: 'browser' },
  { id: 'initial_css_gz', label: 'Initial CSS (gzip)', unit: 'kB', target: 15, better: 'lower', source: 'browser' },
  { id: 'requests', label: 'Requests (landing)', unit: 'count', target: 8, better: 'lower', source: 'browser' },
  { id: 'third_party_origins', label: 'Third-party origins', unit: 'count', target: 0, better: 'lower', source: 'browser' },
  { id: 'lighthouse_score', label: 'Lighthouse performance score', unit: 'score', target: 98, better: 'higher', source: 'lighthouse' },
  { id: 'lighthouse_lcp', label: 'Lighthouse LCP', unit: 's', target: 1.5, better: 'lower', source: 'lighthouse' },
  { id: 'lighthouse_tbt', label: 'Lighthouse TBT', unit: 'ms', target: 100, better: 'lower', source: 'lighthouse' },
  { id: 'lighthouse_cls', label: 'Lighthouse CLS', unit: 'score', target: 0.02, better: 'lower', source: 'lighthouse' },
  // WCAG 2.1 AA (GB/T 37668) on the page as measured: the axe suites check every page and
  // state; this keeps Lighthouse's own audit of the landing page in every `make perf`.
  { id: 'lighthouse_accessibility', label: 'Lighthouse accessibility score', unit: 'score', target: 100, better: 'higher', source: 'lighthouse' },
  { id: 'landing_data_visible', label: 'Slow 4G: landing data visible', unit: 's', target: 1.8, better: 'lower', source: 'browser' },
]

/** Informational figures printed below the table (no target). */
export const EXTRA = [
  { id: 'lighthouse_fcp', label: 'Lighthouse FCP', unit: 's' },
  { id: 'lighthouse_si', label: 'Lighthouse Speed Index', unit: 's' },
  { id: 'landing_fcp', label: 'Slow 4G: first contentful paint', unit: 's' },
  { id: 'landing_load', label: 'Slow 4G: load event', unit: 's' },
  // What went over the wire (br or gzip as negotiated), beside the budget's gzip -6 figures.
  { id: 'initial_js_transfer', label: 'Initial JS transferred (encoded bodies)', unit: 'kB' },
  { id: 'initial_css_transfer', label: 'Initial CSS transferred (encoded bodies)', unit: 'kB' },
  { id: 'initial_js_wire', label: 'Initial JS transferred with headers', unit: 'kB' },
  { id: 'initial_css_wire', label: 'Initial CSS transferred with headers', unit: 'kB' },
  { id: 'landing_wire', label: 'Landing, all bytes transferred', unit: 'kB' },
]

/** @param {number[]} values */
export function median(values) {
  const sorted = values.filter((value) => typeof value === 'number' && Number.isFinite(value)).sort((a, b) => a - b)
  if (sorted.length === 0) return null
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}

/** The landing page's target against its floor (issue 18): at most 1.15× the floor's time. */
export const FLOOR_RATIO_TARGET = 1.15

/**
 * The median of the pairs' ratios app/floor: run i of the app against run i of the floor,
 * measured one after the other (interleaved), so both saw the machine in the same state.
 * Pairs where either side is missing (or the floor is not above 0) are left out.
 * @param {Array<number | null | undefined>} app
 * @param {Array<number | null | undefined>} floor
 * @returns {{ ratio: number | null, pairs: Array<[number, number]> }}
 */
export function pairedRatio(app, floor) {
  const usable = (value) => typeof value === 'number' && Number.isFinite(value)
  const pairs = []
  for (let i = 0; i < Math.min(app.length, floor.length); i++) {
    if (usable(app[i]) && usable(floor[i]) && floor[i] > 0) pairs.push([app[i], floor[i]])
  }
  const ratio = median(pairs.map(([a, f]) => a / f))
  return { ratio: ratio === null ? null : Number(ratio.toFixed(3)), pairs }
}

/**
 * results.json's `ratios`: the landing page against its floor page (perf/floor.mjs).
 * `lcp_vs_floor` is Lighthouse's LCP when Lighthouse ran, else the browser's own (slow 4G
 * run; `lcp_source` says which); `data_visible_vs_floor` is from the slow-4G runs. Times in
 * ms from the probe (run.mjs landingProbe) and s from Lighthouse; a ratio has no unit.
 * @param {{ app: { browser: any[], lighthouse: any[] }, floor: { browser: any[], lighthouse: any[] } }} runs
 */
export function floorRatios({ app, floor }) {
  const lighthouse = app.lighthouse.length > 0 && floor.lighthouse.length > 0
  const browserLcp = pairedRatio(app.browser.map((run) => run.lcp), floor.browser.map((run) => run.lcp))
  const lcp = lighthouse
    ? pairedRatio(app.lighthouse.map((run) => run.lcp), floor.lighthouse.map((run) => run.lcp))
    : browserLcp
  const dataVisible = pairedRatio(app.browser.map((run) => run.dataVisible), floor.browser.map((run) => run.dataVisible))
  const fcp = pairedRatio(app.browser.map((run) => run.fcp), floor.browser.map((run) => run.fcp))
  const ok = (ratio) => (ratio === null ? null : ratio <= FLOOR_RATIO_TARGET)
  return {
    target: FLOOR_RATIO_TARGET,
    lcp_vs_floor: lcp.ratio,
    data_visible_vs_floor: dataVisible.ratio,
    lcp_source: lighthouse ? 'lighthouse' : 'browser',
    ok: { lcp_vs_floor: ok(lcp.ratio), data_visible_vs_floor: ok(dataVisible.ratio) },
    // Informational: the slow-4G runs' own LCP and first paint, and TBT on both sides.
    browser_lcp_vs_floor: browserLcp.ratio,
    fcp_vs_floor: fcp.ratio,
    tbt_ms: lighthouse
      ? { app: round(median(app.lighthouse.map((run) => run.tbt)), 'ms'), floor: round(median(floor.lighthouse.map((run) => run.tbt)), 'ms') }
      : null,
    // [app, floor] per interleaved pair: s for Lighthouse's LCP, ms for the browser's.
    pairs: { lcp: lcp.pairs, data_visible_ms: dataVisible.pairs, browser_lcp_ms: browserLcp.pairs },
  }
}

const DIGITS = { kB: 1, s: 2, ms: 0, count: 0, score: 3 }

/** @param {number | null} value @param {string} unit */
export function round(value, unit) {
  if (value === null || value === undefined) return null
  const digits = DIGITS[unit] ?? 2
  return Number(value.toFixed(digits))
}

/**
 * One metric's entry: median of the runs, the target, and a verdict.
 * @param {Metric} metric
 * @param {number[]} runs
 * @param {string | null} [skipped] why the metric was not measured
 */
export function entry(metric, runs, skipped = null) {
  const measured = skipped ? null : round(median(runs), metric.unit)
  const ok =
    measured === null ? null : metric.better === 'lower' ? measured <= metric.target : measured >= metric.target
  return {
    id: metric.id,
    label: metric.label,
    unit: metric.unit,
    measured,
    runs: skipped ? [] : runs.map((value) => round(value, metric.unit)),
    target: metric.target,
    comparison: metric.better === 'lower' ? '<=' : '>=',
    ok,
    ...(skipped ? { skipped } : {}),
  }
}

function show(value, unit) {
  if (value === null || value === undefined) return '-'
  if (unit === 'count') return String(value)
  if (unit === 'score') return String(value)
  return `${value} ${unit}`
}

/** Rows of cells as aligned text lines: the first row a header, a rule under it. */
function tabulate(rows) {
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => [...row[column]].length)))
  const line = (row) => row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')
  return [line(rows[0]), widths.map((width) => '-'.repeat(width)).join('-|-'), ...rows.slice(1).map(line)]
}

/** The table `make perf` prints: metric, measured median, target, OK/over. */
export function formatTable(results) {
  const rows = [['Metric', `Median (${results.runs} run${results.runs === 1 ? '' : 's'})`, 'Target', 'Result']]
  for (const metric of results.metrics) {
    const verdict = metric.ok === null ? (metric.skipped ? 'skipped' : 'n/a') : metric.ok ? 'OK' : 'over'
    rows.push([metric.label, show(metric.measured, metric.unit), `${metric.comparison} ${show(metric.target, metric.unit)}`, verdict])
  }
  const out = tabulate(rows)
  const ratios = results.ratios
  if (ratios) {
    const times = (value) => (value === null ? '-' : `${value.toFixed(2)}×`)
    const verdict = (ok) => (ok === null ? 'n/a' : ok ? 'OK' : 'over')
    const pairs = ratios.pairs.data_visible_ms.length
    out.push('', `Against the floor (static HTML + CSS, data inline, no JS; median of ${pairs} interleaved pair${pairs === 1 ? '' : 's'}):`)
    const floorRows = [
      ['Ratio', 'Median', 'Target', 'Result'],
      [`LCP vs floor (${ratios.lcp_source === 'lighthouse' ? 'Lighthouse' : 'slow 4G browser'})`, times(ratios.lcp_vs_floor), `<= ${times(ratios.target)}`, verdict(ratios.ok.lcp_vs_floor)],
      ['Data visible vs floor (slow 4G)', times(ratios.data_visible_vs_floor), `<= ${times(ratios.target)}`, verdict(ratios.ok.data_visible_vs_floor)],
    ]
    out.push(...tabulate(floorRows))
    if (ratios.tbt_ms) out.push(`  TBT (Lighthouse): app ${ratios.tbt_ms.app} ms, floor ${ratios.tbt_ms.floor} ms`)
    if (ratios.fcp_vs_floor !== null) out.push(`  First contentful paint vs floor (slow 4G): ${times(ratios.fcp_vs_floor)}`)
  }
  const extras = results.extra.filter((item) => item.measured !== null)
  if (extras.length) {
    out.push('', 'Also measured (no target):')
    for (const item of extras) out.push(`  ${item.label}: ${show(item.measured, item.unit)}`)
  }
  return out.join('\n')
}

/**
 * Checks that `results` has the shape run.mjs writes; returns a list of problems (empty if
 * fine). Only the structure is checked, never whether a target is met.
 * @param {any} results
 * @param {Metric[]} [expected] the metrics that must be there: the core's, and the features' when run.mjs measured them
 */
export function validateResults(results, expected = METRICS) {
  const problems = []
  const isNumberOrNull = (value) => value === null || (typeof value === 'number' && Number.isFinite(value))
  if (!results || typeof results !== 'object') return ['not an object']
  if (results.schema !== SCHEMA_VERSION) problems.push(`schema is ${results.schema}, expected ${SCHEMA_VERSION}`)
  if (!['full', 'quick'].includes(results.mode)) problems.push(`mode is ${results.mode}`)
  if (!Number.isInteger(results.runs) || results.runs < 1) problems.push('runs is not a positive integer')
  if (typeof results.generated_at !== 'string' || Number.isNaN(Date.parse(results.generated_at))) problems.push('generated_at is not a date')
  if (!Array.isArray(results.metrics)) return [...problems, 'metrics is not a list']
  const ids = results.metrics.map((metric) => metric.id)
  for (const metric of expected) if (!ids.includes(metric.id)) problems.push(`metric ${metric.id} is missing`)
  for (const metric of results.metrics) {
    const where = `metric ${metric.id}`
    if (!isNumberOrNull(metric.measured)) problems.push(`${where}: measured is not a number or null`)
    if (typeof metric.target !== 'number') problems.push(`${where}: target is not a number`)
    if (!['<=', '>='].includes(metric.comparison)) problems.push(`${where}: comparison is ${metric.comparison}`)
    if (![true, false, null].includes(metric.ok)) problems.push(`${where}: ok is not true, false or null`)
    if (metric.measured === null && metric.ok !== null) problems.push(`${where}: no measurement but a verdict`)
    if (!Array.isArray(metric.runs) || !metric.runs.every(isNumberOrNull)) problems.push(`${where}: runs is not a list of numbers`)
  }
  if (!Array.isArray(results.extra)) problems.push('extra is not a list')
  if (!results.environment || typeof results.environment !== 'object') problems.push('environment is missing')
  const ratios = results.ratios
  if (!ratios || typeof ratios !== 'object') problems.push('ratios is missing')
  else {
    for (const id of ['lcp_vs_floor', 'data_visible_vs_floor']) {
      if (!isNumberOrNull(ratios[id])) problems.push(`ratios.${id} is not a number or null`)
      else if (ratios[id] !== null && !(ratios[id] > 0)) problems.push(`ratios.${id} is not above 0`)
    }
    if (!['lighthouse', 'browser'].includes(ratios.lcp_source)) problems.push(`ratios.lcp_source is ${ratios.lcp_source}`)
  }
  return problems
}
