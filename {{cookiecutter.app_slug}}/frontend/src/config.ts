/**
 * Run-time configuration baked in by the backend.
 *
 * The frontend folder is copied without cookiecutter rendering, so the app's name, page width
 * and platform ids arrive here: the backend replaces `__APP_CONFIG__` in index.html's
 * `<meta name="app-config">` with HTML-escaped JSON. Under `vite dev` the placeholder stays,
 * and the defaults below apply.
 */

export type PageWidth = { mode: 'adaptive' } | { mode: 'fixed'; width: number }

export interface AppConfig {
  appName: string
  pageWidth: PageWidth
  /** The platform's jweixin script (never bundled, never a public CDN). */
  jssdkUrl: string
  corpId: string
  agentId: string
}

export const CONFIG_PLACEHOLDER = '__APP_CONFIG__'

export const DEFAULT_CONFIG: AppConfig = {
  appName: '一网协同应用',
  pageWidth: { mode: 'adaptive' },
  jssdkUrl: 'http://127.0.0.1:5001/jssdk/jweixin.js',
  corpId: '',
  agentId: '',
}

// DB31DSJ/Z 003 附录 D 页面框架: a fixed page is 760–950 px wide.
const FIXED_WIDTH_MIN = 760
const FIXED_WIDTH_MAX = 950

function text(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.trim() !== '' ? value : fallback
}

function parsePageWidth(value: unknown): PageWidth {
  if (typeof value === 'object' && value !== null && (value as { mode?: unknown }).mode === 'fixed') {
    const width = Number((value as { width?: unknown }).width)
    if (Number.isInteger(width) && width >= FIXED_WIDTH_MIN && width <= FIXED_WIDTH_MAX) {
      return { mode: 'fixed', width }
    }
  }
  return { mode: 'adaptive' }
}

/** Parse the meta tag's JSON; anything missing or malformed falls back to a default. */
export function parseAppConfig(raw: string | null | undefined): AppConfig {
  if (!raw || raw === CONFIG_PLACEHOLDER) return { ...DEFAULT_CONFIG }
  let data: Record<string, unknown>
  try {
    const parsed: unknown = JSON.parse(raw)
    if (typeof parsed !== 'object' || parsed === null) return { ...DEFAULT_CONFIG }
    data = parsed as Record<string, unknown>
  } catch {
    return { ...DEFAULT_CONFIG }
  }
  return {
    appName: text(data.appName, DEFAULT_CONFIG.appName),
    pageWidth: parsePageWidth(data.pageWidth),
    jssdkUrl: text(data.jssdkUrl, DEFAULT_CONFIG.jssdkUrl),
    corpId: text(data.corpId, DEFAULT_CONFIG.corpId),
    agentId: text(data.agentId == null ? '' : String(data.agentId), DEFAULT_CONFIG.agentId),
  }
}

export function readAppConfig(doc: Document = document): AppConfig {
  return parseAppConfig(doc.querySelector('meta[name="app-config"]')?.getAttribute('content'))
}

/**
 * Fixed mode: a centred column of exactly `width` px (the PC client's window).
 * Adaptive mode: fill the viewport; sizes are rem from the user's font size (vite-plugins/px-to-rem.ts).
 * Only CSSOM is used (a class and a custom property), which the strict CSP allows.
 */
export function applyPageWidth(root: HTMLElement, pageWidth: PageWidth): void {
  root.classList.toggle('page-adaptive', pageWidth.mode === 'adaptive')
  root.classList.toggle('page-fixed', pageWidth.mode === 'fixed')
  if (pageWidth.mode === 'fixed') {
    root.style.setProperty('--app-page-width', `${pageWidth.width}px`)
  } else {
    root.style.removeProperty('--app-page-width')
  }
}

let current: AppConfig | null = null

/** The config of this page, read once. */
export function appConfig(): AppConfig {
  current ??= readAppConfig()
  return current
}
