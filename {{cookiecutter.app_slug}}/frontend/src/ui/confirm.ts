/** Second confirmation before an important operation (DB31DSJ/Z 003 附录 D 页面操作). */
import { showConfirmDialog } from 'vant'
import 'vant/es/dialog/style'

export interface ConfirmOptions {
  title: string
  message: string
  confirmText: string
}

/** True when the user confirms; false when they cancel or leave the page. */
export async function confirmAction(options: ConfirmOptions): Promise<boolean> {
  try {
    await showConfirmDialog({
      title: options.title,
      message: options.message,
      confirmButtonText: options.confirmText,
      cancelButtonText: '取消',
      closeOnPopstate: true,
      className: 'confirm-dialog',
    })
    return true
  } catch {
    return false
  }
}
