/** Operation feedback by toast (DB31DSJ/Z 003 附录 D 页面操作: toast, ≤ 1.5 s, no alert boxes). */
import { showToast } from 'vant'
import 'vant/es/toast/style'

import { announce } from './announce'

/**
 * The one duration for every toast in the app. 1.0 s shown plus Vant's 0.2 s fade-out
 * (--van-duration-base in theme.css) keeps it on screen under 1.5 s, with room for a
 * busy main thread (a route change right after the toast) to delay the timers.
 *
 * A toast is never the only place a result shows (the page shows it too: the new item, its
 * status, the form's error summary), so 1 s is enough for sighted users (WCAG 2.2.1); screen
 * readers hear it from the app's live region (WCAG 4.1.3), not from Vant's role=dialog popup.
 */
export const TOAST_DURATION_MS = 1000

export function notify(message: string): void {
  showToast({ message, duration: TOAST_DURATION_MS, position: 'middle', wordBreak: 'break-word' })
  announce(message)
}
