/**
 * One polite live region for the whole app (App.vue renders it): route changes, toasts and
 * form errors are spoken by screen readers (WCAG 4.1.3 Status Messages).
 * Kept free of Vant, so the landing route can use it.
 */
import { nextTick, ref } from 'vue'

export const announcement = ref('')

/** Say `text` (again, even if it is the same as last time). */
export function announce(text: string): void {
  announcement.value = ''
  void nextTick(() => {
    announcement.value = text
  })
}
