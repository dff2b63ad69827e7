/**
 * Modal focus handling for dialogs, sheets and the first-use guide (WCAG 2.1.2, 2.4.3;
 * WAI-ARIA APG dialog pattern): focus moves into the container, Tab and Shift+Tab stay
 * inside it, Escape closes it, and on release focus goes back to where it was (the trigger).
 * Free of Vant, so the landing route's guide can use it.
 */
const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])'

export function focusableIn(container: HTMLElement): HTMLElement[] {
  return Array.from(container.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (element) => element.getClientRects().length > 0 && !element.closest('[inert]'),
  )
}

export interface TrapOptions {
  /** Escape pressed: close the container (the trap is released by whoever closes it). */
  onEscape?: () => void
  /** Where focus starts; the first focusable element when not given. */
  initial?: HTMLElement | null
}

/** Trap focus in `container`; call the returned function to release it and restore focus. */
export function trapFocus(container: HTMLElement, options: TrapOptions = {}): () => void {
  const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null
  const start = options.initial ?? focusableIn(container)[0] ?? container
  if (start === container && !container.hasAttribute('tabindex')) container.setAttribute('tabindex', '-1')
  start.focus()

  function onKeydown(event: KeyboardEvent) {
    if (event.key === 'Escape' && options.onEscape) {
      event.preventDefault()
      event.stopPropagation()
      options.onEscape()
      return
    }
    if (event.key !== 'Tab') return
    const items = focusableIn(container)
    if (items.length === 0) {
      event.preventDefault()
      return
    }
    const first = items[0]
    const last = items[items.length - 1]
    const active = document.activeElement
    if (event.shiftKey && (active === first || !container.contains(active))) {
      event.preventDefault()
      last.focus()
    } else if (!event.shiftKey && (active === last || !container.contains(active))) {
      event.preventDefault()
      first.focus()
    }
  }
  document.addEventListener('keydown', onKeydown, true)

  return () => {
    document.removeEventListener('keydown', onKeydown, true)
    if (previous?.isConnected) previous.focus()
  }
}
