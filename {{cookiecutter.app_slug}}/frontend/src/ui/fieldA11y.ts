/**
 * `v-field-a11y` on a Vant Field: what Vant draws only for the eye, told to assistive
 * technology too (WCAG 1.3.1, 3.3.1, 4.1.2; GB/T 37668-2019 表单):
 * - required (Vant's red-turned-amber asterisk) → aria-required on the input;
 * - the error message → aria-invalid, and aria-describedby pointing at the message.
 * Kept in sync on every update of the form. A custom control (a button in the #input slot)
 * gets aria-invalid / aria-describedby; its name says it is required itself.
 */
import type { Directive } from 'vue'

let fields = 0

function sync(field: HTMLElement): void {
  const control = field.querySelector<HTMLElement>('input, textarea, button')
  if (!control) return
  field.dataset.a11yField ??= String(++fields)
  const error = field.querySelector<HTMLElement>('.van-field__error-message')
  const required = field.querySelector('.van-field__label--required') !== null
  if (required && control.tagName !== 'BUTTON') control.setAttribute('aria-required', 'true')
  if (error && error.textContent?.trim()) {
    error.id = `field-error-${field.dataset.a11yField}`
    control.setAttribute('aria-invalid', 'true')
    control.setAttribute('aria-describedby', error.id)
  } else {
    control.removeAttribute('aria-invalid')
    control.removeAttribute('aria-describedby')
  }
}

export const vFieldA11y: Directive<HTMLElement> = { mounted: sync, updated: sync }

/** After a failed submit: the first field with an error, focused (its message is read with it). */
export function focusFirstInvalid(form: HTMLElement | null): void {
  form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus()
}
