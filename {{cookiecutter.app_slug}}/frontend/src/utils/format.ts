/** Dates as people in the office write them, in the device's time zone. */

const pad = (value: number) => String(value).padStart(2, '0')

function toDate(value: string): Date | null {
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? null : date
}

function localDay(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
}

function localTime(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}`
}

/** 2026-03-01 */
export function formatDate(value: string | null | undefined): string {
  if (!value) return ''
  // A bare YYYY-MM-DD (a due date) has no time zone: show it as written.
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return value
  const date = toDate(value)
  return date ? localDay(date) : ''
}

/** 2026-03-01 09:30 */
export function formatDateTime(value: string | null | undefined): string {
  const date = value ? toDate(value) : null
  return date ? `${localDay(date)} ${localTime(date)}` : ''
}

/** 今天 09:30 / 03-01 09:30 / 2025-12-30 for other years. */
export function formatRelative(value: string | null | undefined, now: Date = new Date()): string {
  const date = value ? toDate(value) : null
  if (!date) return ''
  if (localDay(date) === localDay(now)) return `今天 ${localTime(date)}`
  if (date.getFullYear() === now.getFullYear()) {
    return `${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${localTime(date)}`
  }
  return localDay(date)
}
