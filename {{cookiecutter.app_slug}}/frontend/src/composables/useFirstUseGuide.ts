import { ref } from 'vue'

// The only thing this app keeps in the browser's storage: never user data (DB31DSJ/Z 003 §8.2).
export const GUIDE_STORAGE_KEY = 'ywxt.first-use-guide.v1'

function seen(): boolean {
  try {
    return window.localStorage.getItem(GUIDE_STORAGE_KEY) === 'dismissed'
  } catch {
    return false // storage blocked: show the guide, it can still be closed
  }
}

const visible = ref(false)

/** The first-use guide (DB31DSJ/Z 003 §6.3.6 b): shown once, and again from 我的 on request. */
export function useFirstUseGuide() {
  function showIfFirstVisit() {
    if (!seen()) visible.value = true
  }
  function open() {
    visible.value = true
  }
  function dismiss() {
    visible.value = false
    try {
      window.localStorage.setItem(GUIDE_STORAGE_KEY, 'dismissed')
    } catch {
      // Nothing to do: the guide will show again next time.
    }
  }
  return { visible, showIfFirstVisit, open, dismiss }
}
