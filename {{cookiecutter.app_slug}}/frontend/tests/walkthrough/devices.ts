/** The terminals of the walkthrough (§6.2.6 多终端兼容性测试; §6.3.2 移动端、PC 客户端、网页端). */
import type { PlaywrightTestOptions } from '@playwright/test'

export interface Device {
  id: string
  /** Chinese label for the gallery. */
  label: string
  note: string
  /** Inside the platform's client (OAuth login, JS-SDK) or a plain browser. */
  inClient: boolean
  /** Framed by the web portal (§6.3.2 b). */
  portal: boolean
  use: Partial<PlaywrightTestOptions>
  /** 我的 → 显示 chosen before the walk (工信部 适老化 规范: 长辈版, 字体大小). */
  textSettings?: { size: 'standard' | 'large' | 'xlarge'; elder: boolean }
  /** The browser's default font size in px (16 normally): a client's or system font setting. */
  defaultFontSize?: number
}

const IOS_CLIENT =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
  'Mobile/15E148 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh'
const ANDROID_CLIENT =
  'Mozilla/5.0 (Linux; Android 10; SM-A105F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 ' +
  'Mobile Safari/537.36 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh'
const IPAD_CLIENT =
  'Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) ' +
  'Mobile/15E148 wxwork/4.1.22 MicroMessenger/7.0.1 Language/zh'
const PC_CLIENT =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Chrome/120.0.0.0 Safari/537.36 wxwork/4.1.22 WindowsWechat'

export const DEVICES: Device[] = [
  {
    id: 'android-small',
    label: '小屏安卓手机',
    note: '360 × 640，平台移动端',
    inClient: true,
    portal: false,
    use: { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, userAgent: ANDROID_CLIENT },
  },
  {
    id: 'iphone-large',
    label: '大屏 iPhone',
    note: '430 × 932，平台移动端',
    inClient: true,
    portal: false,
    use: { viewport: { width: 430, height: 932 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, userAgent: IOS_CLIENT },
  },
  {
    id: 'tablet',
    label: '平板',
    note: '820 × 1180，平台移动端',
    inClient: true,
    portal: false,
    use: { viewport: { width: 820, height: 1180 }, deviceScaleFactor: 1, isMobile: true, hasTouch: true, userAgent: IPAD_CLIENT },
  },
  {
    id: 'pc-client',
    label: 'PC 客户端',
    note: '800 × 720 窗口，平台 PC 客户端',
    inClient: true,
    portal: false,
    use: { viewport: { width: 800, height: 720 }, deviceScaleFactor: 1, userAgent: PC_CLIENT },
  },
  {
    id: 'elder',
    label: '长辈版',
    note: '360 × 640，平台移动端，我的 → 长辈版',
    inClient: true,
    portal: false,
    textSettings: { size: 'standard', elder: true },
    use: { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, userAgent: ANDROID_CLIENT },
  },
  {
    id: 'large-text',
    label: '大字（200%）',
    note: '320 × 640，系统字号放大到 200%（默认字号 32 px）',
    inClient: true,
    portal: false,
    defaultFontSize: 32,
    use: { viewport: { width: 320, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, userAgent: ANDROID_CLIENT },
  },
  {
    id: 'pc-wide',
    label: 'PC 宽屏',
    note: '1440 × 900 浏览器，桌面版式',
    inClient: false,
    portal: false,
    use: { viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 },
  },
  {
    id: 'web-portal',
    label: '网页端门户',
    note: '1280 × 800 浏览器，门户以 iframe 嵌入',
    inClient: false,
    portal: true,
    use: { viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1 },
  },
]
