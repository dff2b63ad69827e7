/**
 * 字体大小 (标准 / 大 / 特大) and 长辈版, chosen in 我的 or from the first-use guide
 * (工信部《移动互联网应用（APP）适老化通用设计规范》). Applied as classes on <html> before the
 * first render (main.ts), so the first screen already has the user's size; the sizes
 * themselves are in src/styles/theme.css.
 *
 * Kept in localStorage: a display preference, never user data (DB31DSJ/Z 003 §8.2).
 */
import { ref } from 'vue'

export type TextSize = 'standard' | 'large' | 'xlarge'

export const TEXT_SIZES: Array<{ value: TextSize; label: string }> = [
  { value: 'standard', label: '标准' },
  { value: 'large', label: '大' },
  { value: 'xlarge', label: '特大' },
]

export const TEXT_SETTINGS_KEY = 'ywxt.text-settings.v1'

interface Stored {
  size: TextSize
  elder: boolean
}

function read(): Stored {
  try {
    const data: unknown = JSON.parse(window.localStorage.getItem(TEXT_SETTINGS_KEY) ?? 'null')
    if (typeof data === 'object' && data !== null) {
      const { size, elder } = data as Partial<Stored>
      return {
        size: TEXT_SIZES.some((entry) => entry.value === size) ? (size as TextSize) : 'standard',
        elder: elder === true,
      }
    }
  } catch {
    // Unreadable or blocked storage: the defaults.
  }
  return { size: 'standard', elder: false }
}

const stored = read()
const size = ref<TextSize>(stored.size)
const elder = ref(stored.elder)

/** The classes theme.css sizes text by. */
export function applyTextSettings(root: HTMLElement = document.documentElement): void {
  root.classList.toggle('text-large', size.value === 'large')
  root.classList.toggle('text-xlarge', size.value === 'xlarge')
  root.classList.toggle('elder', elder.value)
}

function save(): void {
  applyTextSettings()
  try {
    window.localStorage.setItem(TEXT_SETTINGS_KEY, JSON.stringify({ size: size.value, elder: elder.value }))
  } catch {
    // Storage blocked: the choice holds until the page is closed.
  }
}

export function useTextSettings() {
  function setSize(value: TextSize) {
    size.value = value
    save()
  }
  function setElder(value: boolean) {
    elder.value = value
    save()
  }
  return { size, elder, setSize, setElder }
}
