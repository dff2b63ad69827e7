/**
 * The walkthrough's evidence for people: walkthrough/index.html (screenshots grouped by
 * device, Chinese captions, the problems listed first) and walkthrough/failures.json.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import { DEVICES } from './devices'

const PROJECT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..')
export const OUTPUT_DIR = join(PROJECT, 'walkthrough')
export const SHOTS_DIR = join(OUTPUT_DIR, 'shots')
export const RESULTS_DIR = join(OUTPUT_DIR, 'results')

export type FailureKind = 'overflow' | 'text-cut-off' | 'tap-target' | 'console-error' | 'csp-violation' | 'slow-load' | 'axe'

export const FAILURE_LABELS: Record<FailureKind, string> = {
  overflow: '横向溢出',
  'text-cut-off': '文字被截断',
  'tap-target': '点击区域小于 44 px',
  'console-error': '控制台错误',
  'csp-violation': 'CSP 拦截',
  'slow-load': '加载超出预算',
  axe: '无障碍问题（axe，WCAG 2.1 AA）',
}

export interface Shot {
  page: string
  label: string
  file: string
  readyMs: number | null
  /** axe-core violations (WCAG 2.1 A/AA) on the page as screenshot; undefined: not checked. */
  axe?: number
}

export interface Failure {
  device: string
  page: string
  label: string
  kind: FailureKind
  detail: string
}

export interface DeviceResult {
  device: string
  /** Which walk: 'core', or a feature's name (its flow, src/features/<name>/tests/walkthrough/). */
  part: string
  shots: Shot[]
  failures: Failure[]
  error?: string
}

export function saveDeviceResult(result: DeviceResult): void {
  writeFileSync(join(RESULTS_DIR, `${result.device}.${result.part}.json`), JSON.stringify(result, null, 2))
}

/** One device's walks as one result: the core's first, then the features' in name order. */
export function mergeParts(parts: DeviceResult[]): DeviceResult {
  const ordered = [...parts].sort((a, b) => (a.part === 'core' ? -1 : b.part === 'core' ? 1 : a.part.localeCompare(b.part)))
  const errors = ordered.flatMap((part) => (part.error ? [part.error] : []))
  return {
    device: ordered[0].device,
    part: ordered.map((part) => part.part).join('+'),
    shots: ordered.flatMap((part) => part.shots),
    failures: ordered.flatMap((part) => part.failures),
    ...(errors.length ? { error: errors.join('；') } : {}),
  }
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

function readResults(): DeviceResult[] {
  if (!existsSync(RESULTS_DIR)) return []
  const all = readdirSync(RESULTS_DIR)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(RESULTS_DIR, name), 'utf8')) as DeviceResult)
  return DEVICES.map((device) => all.filter((result) => result.device === device.id))
    .filter((parts) => parts.length > 0)
    .map(mergeParts)
}

const STYLE = `
  :root { --ink: #1f2329; --ink-2: #545b66; --ink-3: #7d8591; --line: #e3e7ed; --bg: #f4f6f9;
          --blue: #1f5fbf; --blue-soft: #eaf1fb; --amber: #8a5000; --amber-soft: #fbf1e1;
          --green: #1e7b4f; --green-soft: #e5f3eb; }
  * { box-sizing: border-box; }
  body { margin: 0; background: var(--bg); color: var(--ink);
         font: 15px/1.6 system-ui, "Noto Sans CJK SC", "WenQuanYi Micro Hei", "PingFang SC", sans-serif; }
  header { background: #fff; border-bottom: 1px solid var(--line); padding: 28px 40px 20px; }
  h1 { margin: 0 0 4px; font-size: 24px; }
  .sub { color: var(--ink-2); margin: 0; }
  .stats { display: flex; gap: 12px; flex-wrap: wrap; margin-top: 16px; }
  .stat { background: var(--bg); border-radius: 8px; padding: 8px 16px; min-width: 120px; }
  .stat b { display: block; font-size: 22px; }
  .stat span { color: var(--ink-2); font-size: 13px; }
  .stat.ok b { color: var(--green); } .stat.warn b { color: var(--amber); }
  main { padding: 24px 40px 48px; max-width: 1600px; }
  section { margin-bottom: 36px; }
  h2 { font-size: 19px; margin: 0 0 4px; }
  h2 small { color: var(--ink-3); font-weight: normal; font-size: 14px; margin-left: 8px; }
  .failures { background: var(--amber-soft); border-radius: 8px; padding: 16px 20px; }
  .failures.none { background: var(--green-soft); color: var(--green); }
  .failures table { width: 100%; border-collapse: collapse; margin-top: 8px; font-size: 14px; }
  .failures th { text-align: left; color: var(--ink-2); font-weight: normal; padding: 4px 8px; }
  .failures td { padding: 6px 8px; border-top: 1px solid rgba(138, 80, 0, .15); vertical-align: top; }
  .kind { color: var(--amber); font-weight: 600; white-space: nowrap; }
  .grid { display: grid; gap: 16px; margin-top: 12px; }
  .card { background: #fff; border-radius: 8px; overflow: hidden; box-shadow: 0 1px 3px rgba(31, 35, 41, .08); }
  .card.flagged { box-shadow: 0 0 0 2px var(--amber); }
  .card a { display: block; background: #e9edf2; max-height: 560px; overflow: hidden; }
  .card img { display: block; width: 100%; height: auto; }
  .card p { margin: 0; padding: 8px 12px; font-size: 14px; display: flex; justify-content: space-between; gap: 8px; }
  .card p span { color: var(--ink-3); white-space: nowrap; }
  .device-note { color: var(--ink-2); margin: 0; }
  footer { color: var(--ink-3); font-size: 13px; padding: 0 40px 32px; }
`

function columnWidth(deviceId: string): number {
  return ['android-small', 'iphone-large'].includes(deviceId) ? 220 : deviceId === 'tablet' ? 300 : 420
}

export function renderGallery(results: DeviceResult[], generatedAt: Date): string {
  const failures = results.flatMap((result) => result.failures)
  const shots = results.reduce((count, result) => count + result.shots.length, 0)
  const label = (id: string) => DEVICES.find((device) => device.id === id)?.label ?? id
  // One row per problem and device; the pages where it shows are listed together.
  const grouped = new Map<string, { failure: Failure; pages: string[] }>()
  for (const failure of failures) {
    const key = `${failure.kind}\u0000${failure.device}\u0000${failure.detail}`
    const entry = grouped.get(key) ?? { failure, pages: [] }
    if (!entry.pages.includes(failure.label)) entry.pages.push(failure.label)
    grouped.set(key, entry)
  }
  const failureRows = Array.from(grouped.values())
    .map(
      ({ failure, pages }) =>
        `<tr><td class="kind">${escapeHtml(FAILURE_LABELS[failure.kind])}</td><td>${escapeHtml(label(failure.device))}</td>` +
        `<td>${escapeHtml(failure.detail)}</td><td>${escapeHtml(pages.join('、'))}</td></tr>`,
    )
    .join('\n')
  const failureBlock = failures.length
    ? `<div class="failures"><b>发现 ${failures.length} 个问题</b>，请修复后重新运行 <code>make walkthrough</code>。
       <table><tr><th>问题</th><th>终端</th><th>元素与详情</th><th>出现的页面</th></tr>${failureRows}</table></div>`
    : '<div class="failures none"><b>未发现问题</b>：所有终端、所有页面均无横向溢出、文字截断、过小的点击区域、控制台错误、CSP 拦截和加载超时。</div>'
  const sections = results
    .map((result) => {
      const device = DEVICES.find((candidate) => candidate.id === result.device)!
      const flagged = new Set(result.failures.map((failure) => failure.page))
      const cards = result.shots
        .map((shot) => {
          const src = relative(OUTPUT_DIR, join(SHOTS_DIR, shot.file))
          const timing = shot.readyMs === null ? '' : `<span>${(shot.readyMs / 1000).toFixed(2)} 秒显示</span>`
          const axe = shot.axe === undefined ? '' : `<span>axe ${shot.axe === 0 ? '无问题' : `${shot.axe} 个问题`}</span>`
          return `<figure class="card${flagged.has(shot.page) ? ' flagged' : ''}" style="margin:0">
  <a href="${escapeHtml(src)}"><img src="${escapeHtml(src)}" alt="${escapeHtml(`${device.label}：${shot.label}`)}" loading="lazy"></a>
  <p>${escapeHtml(shot.label)}${timing}${axe}</p></figure>`
        })
        .join('\n')
      const error = result.error ? `<p class="device-note">走查中断：${escapeHtml(result.error)}</p>` : ''
      return `<section id="${device.id}">
<h2>${escapeHtml(device.label)}<small>${escapeHtml(device.note)} · ${result.shots.length} 张截图 · ${result.failures.length} 个问题</small></h2>${error}
<div class="grid" style="grid-template-columns: repeat(auto-fill, minmax(${columnWidth(device.id)}px, 1fr))">${cards}</div>
</section>`
    })
    .join('\n')
  const stamp = generatedAt.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>走查与兼容性测试截图</title><style>${STYLE}</style></head>
<body>
<header>
  <h1>走查与兼容性测试</h1>
  <p class="sub">DB31DSJ/Z 003—2026 §6.2.5 应用走查、§6.2.6 兼容性测试 · ${escapeHtml(stamp)} 生成 · 走完全部页面和各业务功能的主流程</p>
  <div class="stats">
    <div class="stat"><b>${results.length}</b><span>终端</span></div>
    <div class="stat"><b>${shots}</b><span>截图</span></div>
    <div class="stat ${failures.length ? 'warn' : 'ok'}"><b>${failures.length}</b><span>问题</span></div>
  </div>
</header>
<main>
<section id="failures"><h2>问题清单</h2>${failureBlock}</section>
${sections}
</main>
<footer>检查项：横向溢出、文字被截断、点击区域小于 44 px（触屏终端）、控制台错误、CSP 拦截、页面数据 2 秒内显示（§6.3.6 d）、页面加载 5 秒内完成（§6.3.3 a）。
问题清单的机器可读版本：failures.json。</footer>
</body></html>
`
}

export function writeGallery(now: Date = new Date()): { index: string; failuresFile: string; failures: number } {
  const results = readResults()
  const failures = results.flatMap((result) => result.failures)
  const index = join(OUTPUT_DIR, 'index.html')
  const failuresFile = join(OUTPUT_DIR, 'failures.json')
  writeFileSync(index, renderGallery(results, now))
  writeFileSync(failuresFile, JSON.stringify(failures, null, 2) + '\n')
  return { index, failuresFile, failures: failures.length }
}
