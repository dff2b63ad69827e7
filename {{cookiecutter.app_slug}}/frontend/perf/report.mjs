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

/** The table `make perf` prints: metric, measured median, target, OK/over. */
export function formatTable(results) {
  const rows = [['Metric', `Median (${results.runs} run${results.runs === 1 ? '' : 's'})`, 'Target', 'Result']]
  for (const metric of results.metrics) {
    const verdict = metric.ok === null ? (metric.skipped ? 'skipped' : 'n/a') : metric.ok ? 'OK' : 'over'
    rows.push([metric.label, show(metric.measured, metric.unit), `${metric.comparison} ${show(metric.target, metric.unit)}`, verdict])
  }
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => [...row[column]].length)))
  const line = (row) => row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')
  const out = [line(rows[0]), widths.map((width) => '-'.repeat(width)).join('-|-'), ...rows.slice(1).map(line)]
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
  return problems
}
