#!/usr/bin/env node
/**
 * `make perf` / `npm run perf`: the performance benchmark of the landing page (工作台) and
 * the features' main operations, against the whole app on loopback. It prints a table and
 * writes perf/results.json; it never fails because a figure misses its target (it is a
 * benchmark, not a timed test). The budget is in report.mjs.
 *
 *   node perf/run.mjs [--runs N] [--quick] [--no-lighthouse] [--no-gzip] [--out FILE]
 *                     [--lighthouse-reports DIR]
 *
 *   --runs N          runs per measurement, medians reported (default 3)
 *   --quick           1 run, no Lighthouse: checks that the benchmark works (the template's
 *                     tests use it); its figures are not the budget's medians
 *   --no-lighthouse   skip the Lighthouse runs
 *   --no-gzip         the proxy in front of the Flask server passes answers through as
 *                     they come (uncompressed) instead of gzipping as deploy/nginx.conf does;
 *                     it still serves the floor page
 *   --out FILE        where to write the JSON (default perf/results.json)
 *   --lighthouse-reports DIR   also keep each run's full Lighthouse report (JSON) there
 *
 * Beside the JSON it writes floor.html, the floor page as measured (perf/floor.mjs).
 *
 * What it does:
 * 1. Starts the simulator, the Flask app serving ../dist and the outbox relay on free
 *    loopback ports (tests/real/global-setup.ts, the same as the real-browser tests), and
 *    a gzip proxy in front of the app (perf/gzip-proxy.mjs, nginx's gzip settings). The app
 *    itself sends the build's Brotli copies of the assets to a browser that accepts br, as
 *    nginx's brotli_static does, and the proxy passes them through.
 * 2. Logs in through the simulator's page as a plain mobile browser (outside the platform
 *    client); each feature seeds its data for that user (its `seed`).
 * 3. Playwright, Debian Chromium, 375×667 phone, CDP slow 4G (150 ms latency, 1.6 Mbps
 *    down, 750 kbps up) and 4× CPU slowdown, a cold cache each run: the landing page until
 *    its data is on screen (the greeting, and each feature's `landingData`), with every
 *    request the browser made; then, on the same page, each feature's timed `operations`.
 * 4. Lighthouse 12.2.3 (Node API, mobile preset, simulated throttling) in Debian Chromium
 *    (--headless=new --no-sandbox) on the same logged-in landing page: the session cookie
 *    goes in `extraHeaders`, and the browser profile has the first-use guide dismissed, as
 *    for the Playwright runs.
 *
 * A feature takes part through src/features/<name>/tests/perf.mjs, whose default export is
 * a `PerfFeature` (below); without any, the landing page and Lighthouse are measured alone.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { gzipSync } from 'node:zlib'

import { FLOOR_PATH, makeFloor } from './floor.mjs'
import { EXTRA, METRICS, SCHEMA_VERSION, entry, floorRatios, formatTable, median, round, validateResults } from './report.mjs'

/**
 * A feature's part of the benchmark: the default export of src/features/<name>/tests/perf.mjs.
 * @typedef {object} PerfFeature
 * @property {import('./report.mjs').Metric[]} metrics its operations' metrics (source 'browser'), after the core's in the table
 * @property {string} [landingData] a selector: what its 工作台 panel shows once its data is there
 * @property {(context: { request: import('@playwright/test').APIRequestContext, target: string, runs: number }) => Promise<unknown>} [seed]
 *   data for the logged-in user, before the runs; what it returns is handed to `operations`
 * @property {(page: import('@playwright/test').Page, context: { run: number, seeded: any, timeOperation: typeof timeOperation, waitMs: number }) => Promise<Record<string, { ms: number, timeline: unknown[] }>>} [operations]
 *   timed operations on the landing page, by metric id
 */

const FRONTEND = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium'
const USER = { userid: 'zhangwei' } // the simulator's demo users
// Chrome DevTools' "slow 4G" as in the issue: 150 ms, 1.6 Mbps down, 750 kbps up; 4× CPU.
const NETWORK = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 }
const CPU_SLOWDOWN = 4
// A plain Android phone browser (not the platform client: no "wxwork" in it), as Lighthouse's.
const MOBILE = {
  viewport: { width: 375, height: 667 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Asia/Shanghai',
  userAgent:
    'Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) ' +
    'Chrome/130.0.0.0 Mobile Safari/537.36',
}
const CHROME_ARGS = ['--no-sandbox', '--disable-background-networking']
// gzip level of the "kB gz" budget figures: the same as the app's compliance check (h5.py).
const BUDGET_GZIP_LEVEL = 6
// The core's part of 工作台's data: the greeting, once /api/me has answered.
const GREETING = '[data-testid="greeting"][aria-busy="false"]'
const WAIT_MS = 30_000
// Signs of a busy machine: other work using over half the CPU time, or Lighthouse measuring
// a CPU much slower than this machine's idle ~2,400-3,100.
const BUSY = 0.5
const SLOW_BENCHMARK_INDEX = 1500

class UsageError extends Error {}

function parseArgs(argv) {
  const options = { runs: 3, quick: false, lighthouse: true, gzip: true, out: join(FRONTEND, 'perf', 'results.json') }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--quick') options.quick = true
    else if (arg === '--no-lighthouse') options.lighthouse = false
    else if (arg === '--no-gzip') options.gzip = false
    else if (arg === '--runs') options.runs = Number(argv[++i])
    else if (arg === '--out') options.out = resolve(argv[++i])
    else if (arg === '--lighthouse-reports') options.reports = resolve(argv[++i])
    else if (arg === '--help' || arg === '-h') {
      const lines = readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n')
      console.log(lines.slice(2, lines.indexOf(' */')).map((line) => line.replace(/^ \* ?/, '')).join('\n'))
      process.exit(0)
    } else throw new UsageError(`unknown argument ${arg} (see --help)`)
  }
  if (options.quick) Object.assign(options, { runs: 1, lighthouse: false })
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new UsageError('--runs needs a positive integer')
  return options
}

const log = (message) => console.log(`[perf] ${message}`)
const sleep = (ms) => new Promise((wake) => setTimeout(wake, ms))

/**
 * The share of CPU time other work used over one second (Linux /proc/stat; null elsewhere).
 * A better sign of a busy machine than the load average, which lags by a minute.
 */
async function cpuBusy() {
  const sample = () => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number)
    const idle = fields[3] + (fields[4] ?? 0)
    return { idle, total: fields.reduce((sum, value) => sum + value, 0) }
  }
  try {
    const first = sample()
    await sleep(1000)
    const second = sample()
    const total = second.total - first.total
    return total > 0 ? 1 - (second.idle - first.idle) / total : null
  } catch {
    return null
  }
}
const seconds = (ms) => (ms === null || ms === undefined ? null : ms / 1000)

/** Every feature's perf.mjs, in folder order. @returns {Promise<Array<PerfFeature & { name: string }>>} */
async function loadPerfFeatures() {
  const root = join(FRONTEND, 'src', 'features')
  const names = readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(root, entry.name, 'tests', 'perf.mjs')))
    .map((entry) => entry.name)
    .sort()
  return Promise.all(
    names.map(async (name) => ({ name, ...(await import(pathToFileURL(join(root, name, 'tests', 'perf.mjs')).href)).default })),
  )
}

/** What shows once the landing page's data is there: the greeting, and each feature's panel. */
const landingSelectorsOf = (features) => [GREETING, ...features.flatMap((feature) => feature.landingData ?? [])]

/** In every measured page, before its scripts: paint timings and when all of `selectors` show. */
function landingProbe(selectors) {
  const perf = (window.__perf = { fcp: null, lcp: null, lcpElement: null, listInDom: null, dataVisible: null })
  try {
    new PerformanceObserver((list) => {
      for (const item of list.getEntries()) if (item.name === 'first-contentful-paint') perf.fcp = item.startTime
    }).observe({ type: 'paint', buffered: true })
    new PerformanceObserver((list) => {
      for (const item of list.getEntries()) {
        perf.lcp = item.startTime
        const element = item.element
        perf.lcpElement = element
          ? `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).trim().split(/\s+/).join('.')}` : ''} "${(element.textContent ?? '').trim().slice(0, 30)}"`
          : null
      }
    }).observe({ type: 'largest-contentful-paint', buffered: true })
  } catch {
    // not supported: leave null
  }
  const check = () => {
    if (perf.listInDom !== null || !selectors.every((selector) => document.querySelector(selector))) return
    perf.listInDom = performance.now()
    observer.disconnect()
    // On screen = the frame after it entered the DOM has been painted.
    requestAnimationFrame(() =>
      setTimeout(() => {
        perf.dataVisible = performance.now()
        // Tells the benchmark without it polling the page (polling costs main-thread time).
        console.debug('[perf] data visible')
      }, 0),
    )
  }
  const observer = new MutationObserver(check)
  observer.observe(document, { childList: true, subtree: true })
}

/** Arms an in-page timer: from a click on `click` until an element `done` contains `text`. */
function armOperation({ click, done, text }) {
  const op = (window.__op = { start: null, shown: null, end: null })
  document.addEventListener(
    'click',
    (event) => {
      if (op.start === null && event.target instanceof Element && event.target.closest(click)) op.start = performance.now()
    },
    { capture: true },
  )
  const observer = new MutationObserver(() => {
    if (op.start === null || op.shown !== null) return
    if (![...document.querySelectorAll(done)].some((element) => (element.textContent ?? '').includes(text))) return
    op.shown = performance.now()
    observer.disconnect()
    requestAnimationFrame(() =>
      setTimeout(() => {
        op.end = performance.now()
        console.debug('[perf] operation done')
      }, 0),
    )
  })
  observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true })
}

/** The operation's duration in ms, and the requests it made (times relative to the click). */
async function timeOperation(page, { click, done, text }) {
  const requests = []
  const listener = (request) => requests.push(request)
  await page.evaluate(armOperation, { click, done, text })
  const target = page.locator(click).first()
  await target.waitFor({ timeout: WAIT_MS })
  const finished = page.waitForEvent('console', { predicate: (message) => message.text() === '[perf] operation done', timeout: WAIT_MS })
  page.on('request', listener)
  await target.click()
  await finished
  page.off('request', listener)
  const { start, end, origin } = await page.evaluate(() => ({ ...window.__op, origin: performance.timeOrigin }))
  const clickedAt = origin + start
  const timeline = requests
    .map((request) => {
      const timing = request.timing()
      const begin = timing.startTime - clickedAt
      return {
        url: request.url(),
        method: request.method(),
        start_ms: Math.round(begin),
        end_ms: timing.responseEnd >= 0 ? Math.round(begin + timing.responseEnd) : null,
      }
    })
    .filter((row) => row.start_ms >= 0) // e.g. the contact search still answering before the click
  return { ms: end - start, timeline }
}

async function throttle(context, page) {
  const cdp = await context.newCDPSession(page)
  await cdp.send('Network.enable')
  await cdp.send('Network.emulateNetworkConditions', NETWORK)
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN })
}

async function dismissGuide(page) {
  // Wait for it: the server-drawn first screen shows before the app (and its guide) is there.
  const guide = page.getByTestId('guide-dismiss')
  if (await guide.waitFor({ timeout: 3_000 }).then(() => true, () => false)) await guide.click()
}

/** Logs in through the simulator's page; returns the context (cookies + guide dismissed at `target`). */
async function login(browser, app, sim, target) {
  const context = await browser.newContext(MOBILE)
  const page = await context.newPage()
  await page.goto(`${app}/`)
  await page.waitForURL((url) => url.href.startsWith(sim), { timeout: WAIT_MS })
  await page.getByTestId(`sim-user-${USER.userid}`).click()
  await page.waitForURL((url) => url.href.startsWith(app), { timeout: WAIT_MS })
  // The measured origin (the gzip proxy's) has its own storage: dismiss the guide there.
  await page.goto(`${target}/`)
  await page.getByTestId('home-view').waitFor({ timeout: WAIT_MS })
  await dismissGuide(page)
  await page.close()
  return context
}

/** Where a request of the landing page comes from, for the request and origin counts. */
function classify(url, target, sim, jssdkUrl) {
  if (url.startsWith('data:') || url.startsWith('blob:')) return 'inline'
  const origin = new URL(url).origin
  if (origin === new URL(target).origin) return 'app'
  if (url === jssdkUrl) return 'platform-jssdk' // outside the client: excluded
  if (origin === new URL(sim).origin) return 'platform-login'
  return 'third-party'
}

async function describeRequests(requests, target, sim, jssdkUrl) {
  const rows = []
  for (const request of requests) {
    const response = await request.response().catch(() => null)
    const sizes = await request.sizes().catch(() => null)
    const type = request.resourceType()
    let gz = null
    let raw = null
    if (response && (type === 'script' || type === 'stylesheet')) {
      const body = await response.body().catch(() => null)
      if (body) {
        raw = body.length
        gz = gzipSync(body, { level: BUDGET_GZIP_LEVEL }).length
      }
    }
    rows.push({
      url: request.url(),
      type,
      kind: classify(request.url(), target, sim, jssdkUrl),
      status: response ? response.status() : null,
      encoding: response ? ((await response.allHeaders())['content-encoding'] ?? null) : null,
      transfer_bytes: sizes ? sizes.responseBodySize + sizes.responseHeadersSize : null,
      // The body as it went over the wire: br or gzip as negotiated, headers not counted.
      encoded_bytes: sizes ? sizes.responseBodySize : null,
      body_bytes: raw,
      gzip_bytes: gz,
    })
  }
  return rows
}

/**
 * Data is on screen once the frame after it entered the DOM has run, and not before the page's
 * first paint: a static page's parser can be that far ahead of Chromium's first frame.
 */
function onScreen(probe) {
  const painted = probe.fcp ?? 0
  return { ...probe, dataVisible: probe.dataVisible === null ? null : Math.max(probe.dataVisible, painted) }
}

/**
 * One cold run: the landing page, then each feature's operations on the same page; or, with
 * `floor`, the floor page (perf/floor.mjs) under the same throttling, without operations.
 */
async function browserRun(browser, storageState, { target, sim, jssdkUrl, features, seeded, run, floor = false }) {
  const context = await browser.newContext({ ...MOBILE, storageState })
  try {
    const page = await context.newPage()
    await page.addInitScript(landingProbe, landingSelectorsOf(features))
    await throttle(context, page)
    const requests = []
    page.on('request', (request) => requests.push(request))
    const errors = []
    page.on('pageerror', (error) => errors.push(String(error)))

    const visible = page.waitForEvent('console', { predicate: (message) => message.text() === '[perf] data visible', timeout: WAIT_MS })
    await page.goto(floor ? `${target}${FLOOR_PATH}` : `${target}/`, { waitUntil: 'load', timeout: WAIT_MS })
    await visible
    await page.waitForLoadState('networkidle', { timeout: WAIT_MS })
    // Chromium hands paint timings to the page once the compositor has presented the frame,
    // which on a busy machine can come after the data-visible frame and after network idle:
    // read the probe only when they are in, or FCP and LCP read as missing.
    await page.waitForFunction(() => window.__perf.fcp !== null && window.__perf.lcp !== null, null, { polling: 100, timeout: WAIT_MS })
    if (floor) {
      const measured = await page.evaluate(() => window.__perf)
      return { probe: onScreen(measured), requests: [], operations: {} }
    }
    if (!page.url().startsWith(target)) throw new Error(`the landing page went to ${page.url()}: not logged in?`)
    const measured = await page.evaluate(() => {
      const [navigation] = performance.getEntriesByType('navigation')
      // The backend's data block (src/api/firstScreen.ts): the first screen's data came with the page.
      const firstScreen = document.getElementById('first-screen') !== null
      return { ...window.__perf, load: navigation ? navigation.loadEventEnd : null, firstScreen }
    })
    const probe = onScreen(measured)
    const landingRequests = await describeRequests(requests.splice(0), target, sim, jssdkUrl)

    const operations = {}
    for (const feature of features) {
      if (!feature.operations) continue
      // Each feature starts from 工作台, on the same page (no reload).
      await page.evaluate(() => (window.location.hash = '#/'))
      await page.getByTestId('home-view').waitFor({ timeout: WAIT_MS })
      Object.assign(operations, await feature.operations(page, { run, seeded: seeded[feature.name], timeOperation, waitMs: WAIT_MS }))
    }
    if (errors.length) log(`run ${run}: page errors: ${errors.join('; ')}`)
    return { probe, requests: landingRequests, operations }
  } finally {
    await context.close()
  }
}

function summarizeRequests(rows) {
  const counted = rows.filter((row) => row.kind !== 'inline' && row.kind !== 'platform-login' && row.kind !== 'platform-jssdk')
  const sum = (list, key) => list.reduce((total, row) => total + (row[key] ?? 0), 0)
  const js = counted.filter((row) => row.type === 'script')
  const css = counted.filter((row) => row.type === 'stylesheet')
  const origins = [...new Set(counted.filter((row) => row.kind === 'third-party').map((row) => new URL(row.url).origin))]
  return {
    requests: counted.length,
    third_party_origins: origins,
    js_gz: sum(js, 'gzip_bytes') / 1000,
    css_gz: sum(css, 'gzip_bytes') / 1000,
    js_transfer: sum(js, 'encoded_bytes') / 1000,
    css_transfer: sum(css, 'encoded_bytes') / 1000,
    js_wire: sum(js, 'transfer_bytes') / 1000,
    css_wire: sum(css, 'transfer_bytes') / 1000,
    all_wire: sum(counted, 'transfer_bytes') / 1000,
    // How the scripts and stylesheets came: ["br"] once the Brotli copies are served.
    encodings: [...new Set([...js, ...css].map((row) => row.encoding ?? 'identity'))],
  }
}

/** A browser profile with the first-use guide dismissed at `target` (and no cookies in it). */
async function lighthouseProfile(chromium, storageState, target) {
  const profile = mkdtempSync(join(tmpdir(), 'ywxt-perf-lh-'))
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROME, args: CHROME_ARGS, ...MOBILE })
  try {
    await context.addCookies(storageState.cookies)
    const page = await context.newPage()
    await page.goto(`${target}/`)
    await page.getByTestId('home-view').waitFor({ timeout: WAIT_MS })
    await dismissGuide(page)
    await context.clearCookies()
  } finally {
    await context.close()
  }
  return profile
}

/** Lighthouse could not record the page (its runtimeError), as opposed to a wrong page. */
class LighthouseRuntimeError extends Error {
  constructor({ code, message }) {
    super(`Lighthouse: ${code} ${message}`)
    this.code = code
  }
}

/**
 * lighthouseRun, run once more when Lighthouse itself failed to record the page: its
 * NO_NAVSTART and similar trace errors come and go, and it says "Please run Lighthouse
 * again". A second failure, or any other error, stops the benchmark.
 */
async function lighthouseRunOrRetry(...args) {
  try {
    return await lighthouseRun(...args)
  } catch (error) {
    if (!(error instanceof LighthouseRuntimeError)) throw error
    log(`${error.message.split('.')[0]}: running Lighthouse once more`)
    return { ...(await lighthouseRun(...args)), retried_after: error.code }
  }
}

/** A Lighthouse category score (0–1, or null when it could not be scored) as 0–100. */
const percent = (score) => (score === null ? null : Math.round(score * 100))

/**
 * One Lighthouse run of the landing page, or with `floor` of the floor page (the same
 * browser profile, cookie and settings).
 */
async function lighthouseRun(profile, target, cookieHeader, firstScreen, run, reports, floor = false) {
  const { default: lighthouse } = await import('lighthouse')
  const { launch } = await import('chrome-launcher')
  const chrome = await launch({
    chromePath: CHROME,
    chromeFlags: ['--headless=new', '--no-sandbox'],
    userDataDir: profile,
    logLevel: 'silent',
  })
  try {
    const url = floor ? `${target}${FLOOR_PATH}` : `${target}/`
    const result = await lighthouse(url, {
      port: chrome.port,
      output: 'json',
      logLevel: 'silent',
      onlyCategories: ['performance', 'accessibility'],
      extraHeaders: { Cookie: cookieHeader },
    })
    const lhr = result?.lhr
    if (!lhr) throw new Error('Lighthouse returned no result')
    if (reports) {
      mkdirSync(reports, { recursive: true })
      writeFileSync(join(reports, `lighthouse-${floor ? 'floor-' : ''}${run}.json`), result.report)
    }
    if (lhr.runtimeError) throw new LighthouseRuntimeError(lhr.runtimeError)
    // It must have audited the logged-in page: it stayed on the app, no API call was refused,
    // and the data came with the page (firstScreen) or from the API.
    const network = lhr.audits['network-requests']?.details?.items ?? []
    const api = network.filter((row) => new URL(row.url).pathname.startsWith('/api/'))
    if (floor) {
      if (lhr.finalDisplayedUrl !== url || network.some((row) => row.resourceType === 'Script')) {
        throw new Error(`Lighthouse did not audit the floor page as made (${lhr.finalDisplayedUrl})`)
      }
    } else if (
      !lhr.finalDisplayedUrl.startsWith(target) ||
      api.some((row) => row.statusCode !== 200) ||
      !(firstScreen || api.length > 0)
    ) {
      throw new Error(`Lighthouse did not audit the logged-in landing page (${lhr.finalDisplayedUrl})`)
    }
    const value = (id) => lhr.audits[id]?.numericValue ?? null
    const diagnostics = lhr.audits.diagnostics?.details?.items?.[0]
    const observed = lhr.audits.metrics?.details?.items?.[0]
    return {
      score: percent(lhr.categories.performance.score),
      accessibility: percent(lhr.categories.accessibility.score),
      // The accessibility audits that failed, by id: what to fix when the score drops.
      failed_accessibility_audits: lhr.categories.accessibility.auditRefs
        .filter((ref) => ref.weight > 0 && lhr.audits[ref.id]?.score === 0)
        .map((ref) => ref.id),
      lcp: seconds(value('largest-contentful-paint')),
      tbt: value('total-blocking-time'),
      cls: value('cumulative-layout-shift'),
      fcp: seconds(value('first-contentful-paint')),
      si: seconds(value('speed-index')),
      requests: network.length,
      total_byte_weight_kb: (value('total-byte-weight') ?? 0) / 1000,
      // The scripts' bytes as Lighthouse saw them transferred: its simulated load of the
      // page (and so LCP) is paced by these over a 1.6 Mbps link.
      js_transfer_kb: network.filter((row) => row.resourceType === 'Script').reduce((total, row) => total + (row.transferSize ?? 0), 0) / 1000,
      // Lighthouse's CPU speed estimate: low values mean a busy (or slow) machine.
      benchmark_index: lhr.environment?.benchmarkIndex ?? null,
      // The simulation adds the server's observed response time to every request: a slow
      // (or busy) loopback server shows up here and in LCP.
      max_server_latency_ms: diagnostics?.maxServerLatency ?? null,
      observed_lcp: seconds(observed?.observedLargestContentfulPaint ?? null),
      warnings: lhr.runWarnings ?? [],
    }
  } finally {
    chrome.kill()
  }
}

function versionOf(name) {
  try {
    return JSON.parse(readFileSync(join(FRONTEND, 'node_modules', name, 'package.json'), 'utf8')).version
  } catch {
    return null
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2))
  const started = Date.now()
  const loadBefore = loadavg()[0]
  const busyBefore = await cpuBusy()
  if (!existsSync(join(FRONTEND, 'dist', 'index.html'))) throw new Error('frontend/dist is missing: run `npm run build` (or `make frontend`) first')
  if (!existsSync(CHROME)) throw new Error(`no Chromium at ${CHROME}: apt-get install chromium fonts-wqy-microhei, or set CHROME_PATH`)
  const chromeVersion = spawnSync(CHROME, ['--version'], { encoding: 'utf8' }).stdout.trim()

  // The app, as the real-browser tests start it (TypeScript, loaded through Vite's runner).
  const { runnerImport } = await import('vite')
  const { module: setup } = await runnerImport(join(FRONTEND, 'tests', 'real', 'global-setup.ts'), { configFile: false })
  log('starting the simulator, the app (Flask, serving dist/) and the outbox relay')
  const stopStack = await setup.default()
  const app = process.env.REAL_APP_URL
  const sim = process.env.REAL_SIM_URL
  // The proxy also serves the floor page; with --no-gzip it passes everything through as is.
  const proxy = await startGzipProxyFor(app, options.gzip)
  const target = proxy.url
  const { chromium } = await import('@playwright/test')
  const browser = await chromium.launch({ executablePath: CHROME, args: CHROME_ARGS })
  let profile = null
  try {
    const indexHtml = await (await fetch(`${target}/`)).text()
    const config = JSON.parse(
      (indexHtml.match(/<meta name="app-config" content="([^"]*)"/)?.[1] ?? '{}').replace(/&quot;/g, '"').replace(/&#x27;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'),
    )
    log(`app ${app}, measured through the ${options.gzip ? 'gzip' : 'pass-through'} proxy ${target}; simulator ${sim}`)

    const features = await loadPerfFeatures()
    const landingSelectors = landingSelectorsOf(features)
    const loggedIn = await login(browser, app, sim, target)
    const seeded = {}
    for (const feature of features) {
      if (feature.seed) seeded[feature.name] = await feature.seed({ request: loggedIn.request, target, runs: options.runs })
    }
    const storageState = await loggedIn.storageState()
    log(
      `logged in as ${USER.userid} through the simulator; features: ${features.map((feature) => feature.name).join(', ') || 'none'}`,
    )
    // The floor page, from the app as this user sees it now (perf/floor.mjs).
    const floor = await makeFloor(loggedIn, `${target}/`, landingSelectors, WAIT_MS)
    await loggedIn.close()
    proxy.serve(FLOOR_PATH, floor.html)
    const floorGzip = gzipSync(Buffer.from(floor.html), { level: BUDGET_GZIP_LEVEL }).length
    log(
      `floor page ${FLOOR_PATH}: ${(floor.html.length / 1000).toFixed(1)} kB HTML (${(floorGzip / 1000).toFixed(1)} kB gz), ` +
        `${floor.rules.kept} of ${floor.rules.total} CSS rules inline, no script`,
    )

    // App and floor alternate (app, floor, app, floor...): each pair shares the machine's state.
    const runs = []
    const floorRuns = []
    for (let run = 1; run <= options.runs; run++) {
      const result = await browserRun(browser, storageState, { target, sim, jssdkUrl: config.jssdkUrl, features, seeded, run })
      const floorResult = await browserRun(browser, storageState, { target, sim, features, run, floor: true })
      floorRuns.push(floorResult)
      const summary = summarizeRequests(result.requests)
      runs.push({ ...result, summary })
      const timed = Object.entries(result.operations).map(([id, op]) => `${id} ${(op.ms / 1000).toFixed(2)} s, `)
      log(
        `browser run ${run}/${options.runs}: data visible ${seconds(result.probe.dataVisible).toFixed(2)} s, ` +
          timed.join('') +
          `${summary.requests} requests, JS ${summary.js_gz.toFixed(1)} kB gz, CSS ${summary.css_gz.toFixed(1)} kB gz; ` +
          `transferred JS ${summary.js_transfer.toFixed(1)} kB, CSS ${summary.css_transfer.toFixed(1)} kB (${summary.encodings.join(', ')}); ` +
          `floor: data visible ${seconds(floorResult.probe.dataVisible).toFixed(2)} s`,
      )
    }

    // Lighthouse gets the machine to itself: no idle Playwright browser beside it.
    await browser.close()
    const lighthouseRuns = []
    const floorLighthouseRuns = []
    if (options.lighthouse) {
      profile = await lighthouseProfile(chromium, storageState, target)
      const cookieHeader = storageState.cookies
        .filter((cookie) => cookie.domain.replace(/^\./, '') === new URL(target).hostname)
        .map((cookie) => `${cookie.name}=${cookie.value}`)
        .join('; ')
      // Whether the page Lighthouse loads carries the list itself (src/api/firstScreen.ts).
      const page = await (await fetch(`${target}/`, { headers: { Cookie: cookieHeader } })).text()
      const firstScreen = page.includes('id="first-screen"')
      for (let run = 1; run <= options.runs; run++) {
        const result = await lighthouseRunOrRetry(profile, target, cookieHeader, firstScreen, run, options.reports)
        lighthouseRuns.push(result)
        const floorResult = await lighthouseRunOrRetry(profile, target, cookieHeader, firstScreen, run, options.reports, true)
        floorLighthouseRuns.push(floorResult)
        log(
          `lighthouse run ${run}/${options.runs}: score ${result.score}, accessibility ${result.accessibility}, LCP ${result.lcp.toFixed(2)} s, ` +
            `TBT ${Math.round(result.tbt)} ms, CLS ${result.cls.toFixed(3)}, FCP ${result.fcp.toFixed(2)} s, ` +
            `JS ${result.js_transfer_kb.toFixed(1)} kB transferred (CPU benchmark index ${Math.round(result.benchmark_index)}); ` +
            `floor: LCP ${floorResult.lcp.toFixed(2)} s, TBT ${Math.round(floorResult.tbt)} ms`,
        )
      }
    }

    const pick = (list, read) => list.map(read)
    const browserValues = {
      initial_js_gz: pick(runs, (run) => run.summary.js_gz),
      initial_css_gz: pick(runs, (run) => run.summary.css_gz),
      requests: pick(runs, (run) => run.summary.requests),
      third_party_origins: pick(runs, (run) => run.summary.third_party_origins.length),
      landing_data_visible: pick(runs, (run) => seconds(run.probe.dataVisible)),
    }
    const featureMetrics = features.flatMap((feature) => feature.metrics)
    for (const metric of featureMetrics) browserValues[metric.id] = pick(runs, (run) => seconds(run.operations[metric.id]?.ms))
    const lighthouseValues = {
      lighthouse_score: pick(lighthouseRuns, (run) => run.score),
      lighthouse_lcp: pick(lighthouseRuns, (run) => run.lcp),
      lighthouse_tbt: pick(lighthouseRuns, (run) => run.tbt),
      lighthouse_cls: pick(lighthouseRuns, (run) => run.cls),
      lighthouse_accessibility: pick(lighthouseRuns, (run) => run.accessibility),
    }
    const metrics = [...METRICS, ...featureMetrics].map((metric) =>
      metric.source === 'lighthouse'
        ? entry(metric, lighthouseValues[metric.id], options.lighthouse ? null : options.quick ? 'quick mode' : '--no-lighthouse')
        : entry(metric, browserValues[metric.id]),
    )
    const extraValues = {
      lighthouse_fcp: pick(lighthouseRuns, (run) => run.fcp),
      lighthouse_si: pick(lighthouseRuns, (run) => run.si),
      landing_fcp: pick(runs, (run) => seconds(run.probe.fcp)),
      landing_load: pick(runs, (run) => seconds(run.probe.load)),
      initial_js_transfer: pick(runs, (run) => run.summary.js_transfer),
      initial_css_transfer: pick(runs, (run) => run.summary.css_transfer),
      initial_js_wire: pick(runs, (run) => run.summary.js_wire),
      initial_css_wire: pick(runs, (run) => run.summary.css_wire),
      landing_wire: pick(runs, (run) => run.summary.all_wire),
    }
    const extra = EXTRA.map((item) => ({
      id: item.id,
      label: item.label,
      unit: item.unit,
      measured: round(median(extraValues[item.id]), item.unit),
      runs: extraValues[item.id].map((value) => round(value, item.unit)),
    }))

    const results = {
      schema: SCHEMA_VERSION,
      mode: options.quick ? 'quick' : 'full',
      runs: options.runs,
      generated_at: new Date().toISOString(),
      duration_s: null,
      environment: {
        node: process.version,
        chromium: chromeVersion,
        lighthouse: versionOf('lighthouse'),
        playwright: versionOf('@playwright/test'),
        cpus: cpus().length,
        memory_gb: Math.round(totalmem() / 2 ** 30),
        // How busy the CPUs were with other work for the second before the benchmark started
        // (0-1; above 0.5, timings, Lighthouse's TBT above all, are inflated), and the
        // 1-minute load average before and after (after includes the benchmark's own work).
        cpu_busy_before: round(busyBefore, 's'),
        load_average: { before: round(loadBefore, 's'), after: round(loadavg()[0], 's') },
        server: options.gzip
          ? 'Flask (tests/real/global-setup.ts) behind a loopback gzip proxy with deploy/nginx.conf gzip settings; ' +
            'Brotli copies of the assets (dist/assets/*.br) to browsers that accept br, as brotli_static'
          : 'Flask (tests/real/global-setup.ts), no gzip; Brotli copies of the assets to browsers that accept br',
        client: 'plain mobile browser (outside the platform client), 375×667 @2x, touch',
        browser_throttling: { ...NETWORK, cpu_slowdown: CPU_SLOWDOWN },
        lighthouse_throttling: 'Lighthouse mobile defaults: simulate, 150 ms RTT, 1.6 Mbps, 4× CPU',
        budget_gzip_level: BUDGET_GZIP_LEVEL,
      },
      metrics,
      extra,
      // The landing page against its floor (perf/floor.mjs), pair by pair.
      ratios: floorRatios({
        app: { browser: runs.map((run) => run.probe), lighthouse: lighthouseRuns },
        floor: { browser: floorRuns.map((run) => run.probe), lighthouse: floorLighthouseRuns },
      }),
      floor: {
        path: FLOOR_PATH,
        saved_as: 'floor.html (beside this file)',
        html_bytes: Buffer.byteLength(floor.html),
        html_gzip_bytes: floorGzip,
        css_rules: floor.rules,
        stylesheets: floor.stylesheets,
      },
      details: {
        landing_requests: runs.length ? runs[0].requests : [],
        third_party_origins: runs.length ? runs[0].summary.third_party_origins : [],
        landing: runs.map((run) => ({
          data_visible: seconds(run.probe.dataVisible),
          fcp: seconds(run.probe.fcp),
          lcp: seconds(run.probe.lcp),
          lcp_element: run.probe.lcpElement,
          first_screen_data: run.probe.firstScreen,
        })),
        // Each operation's request timeline (times relative to the click), by metric id.
        operations: runs.map((run) => Object.fromEntries(Object.entries(run.operations).map(([id, op]) => [id, op.timeline]))),
        lighthouse: lighthouseRuns,
        floor_landing: floorRuns.map((run) => ({
          data_visible: seconds(run.probe.dataVisible),
          fcp: seconds(run.probe.fcp),
          lcp: seconds(run.probe.lcp),
          lcp_element: run.probe.lcpElement,
        })),
        floor_lighthouse: floorLighthouseRuns,
      },
    }
    results.duration_s = Math.round((Date.now() - started) / 1000)
    const problems = validateResults(results, [...METRICS, ...featureMetrics])
    if (problems.length) throw new Error(`results do not match their schema: ${problems.join('; ')}`)
    mkdirSync(dirname(options.out), { recursive: true })
    writeFileSync(options.out, `${JSON.stringify(results, null, 2)}\n`)
    // The floor page as measured, beside the results: to open and compare with the app.
    writeFileSync(join(dirname(options.out), 'floor.html'), floor.html)

    console.log('')
    console.log(
      `Landing page (工作台, logged in) — ${options.quick ? 'QUICK MODE, 1 run, not the budget\'s medians' : `median of ${options.runs} runs`}`,
    )
    console.log(formatTable(results))
    const lowestIndex = Math.min(...lighthouseRuns.map((run) => run.benchmark_index ?? Infinity))
    if ((busyBefore ?? 0) > BUSY || lowestIndex < SLOW_BENCHMARK_INDEX) {
      const why = [
        busyBefore !== null && busyBefore > BUSY ? `CPUs ${Math.round(busyBefore * 100)}% busy with other work before the start` : null,
        lowestIndex < SLOW_BENCHMARK_INDEX ? `Lighthouse CPU benchmark index down to ${Math.round(lowestIndex)}` : null,
      ].filter(Boolean)
      console.log('')
      console.log(
        `Warning: the machine was busy (${why.join('; ')}): ` +
          'timings are inflated; run again on an idle machine for figures to compare with the targets.',
      )
    }
    console.log('')
    console.log(`Wrote ${options.out} (${results.duration_s} s)`)
  } finally {
    await browser.close().catch(() => undefined)
    await proxy.close()
    await stopStack()
    if (profile) rmSync(profile, { recursive: true, force: true })
  }
}

async function startGzipProxyFor(app, gzip) {
  const { startGzipProxy } = await import('./gzip-proxy.mjs')
  return startGzipProxy(app, { gzip })
}

main().catch((error) => {
  console.error(`[perf] failed: ${error instanceof UsageError ? error.message : error instanceof Error ? error.stack : error}`)
  process.exit(1)
})
