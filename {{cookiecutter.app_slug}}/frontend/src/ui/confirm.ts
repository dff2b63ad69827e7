/** Second confirmation before an important operation (DB31DSJ/Z 003 附录 D 页面操作). */
import { closeDialog, showConfirmDialog } from 'vant'
import 'vant/es/dialog/style'
import { nextTick } from 'vue'

import { trapFocus } from './focusTrap'

export interface ConfirmOptions {
  title: string
  message: string
  confirmText: string
}

let dialogs = 0

/**
 * Vant's dialog names itself with `aria-labelledby="<the title text>"`, an id that does not
 * exist, and neither traps nor returns focus. Give it a real name and description,
 * aria-modal, a focus trap, Escape to cancel, and focus back on the trigger when it closes
 * (WCAG 2.1.2, 2.4.3, 4.1.2).
 */
function makeAccessible(dialog: HTMLElement): () => void {
  const id = `confirm-dialog-${++dialogs}`
  const header = dialog.querySelector<HTMLElement>('.van-dialog__header')
  const message = dialog.querySelector<HTMLElement>('.van-dialog__message')
  if (header) {
    header.id = `${id}-title`
    header.setAttribute('role', 'heading')
    header.setAttribute('aria-level', '2')
    dialog.setAttribute('aria-labelledby', header.id)
  }
  if (message) {
    message.id = `${id}-message`
    dialog.setAttribute('aria-describedby', message.id)
  }
  dialog.setAttribute('role', 'alertdialog')
  dialog.setAttribute('aria-modal', 'true')
  dialog.removeAttribute('tabindex')
  // Focus starts on 取消: Enter right after opening never does the important thing.
  const cancel = dialog.querySelector<HTMLElement>('.van-dialog__cancel')
  return trapFocus(dialog, { initial: cancel, onEscape: () => cancel?.click() ?? closeDialog() })
}

/** True when the user confirms; false when they cancel or leave the page. */
export async function confirmAction(options: ConfirmOptions): Promise<boolean> {
  const result = showConfirmDialog({
    title: options.title,
    message: options.message,
    confirmButtonText: options.confirmText,
    cancelButtonText: '取消',
    closeOnPopstate: true,
    className: 'confirm-dialog',
  })
  await nextTick()
  const dialog = Array.from(document.querySelectorAll<HTMLElement>('.confirm-dialog')).pop()
  const release = dialog ? makeAccessible(dialog) : () => undefined
  try {
    await result
    return true
  } catch {
    return false
  } finally {
    release()
  }
}
