/** Operation feedback by toast (DB31DSJ/Z 003 附录 D 页面操作: toast, ≤ 1.5 s, no alert boxes). */
import { showToast } from 'vant'
import 'vant/es/toast/style'

/**
 * The one duration for every toast in the app. 1.0 s shown plus Vant's 0.2 s fade-out
 * (--van-duration-base in theme.css) keeps it on screen under 1.5 s, with room for a
 * busy main thread (a route change right after the toast) to delay the timers.
 */
export const TOAST_DURATION_MS = 1000

export function notify(message: string): void {
  showToast({ message, duration: TOAST_DURATION_MS, position: 'middle', wordBreak: 'break-word' })
}
