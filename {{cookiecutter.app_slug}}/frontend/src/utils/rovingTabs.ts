/**
 * Arrow keys between tabs (WAI-ARIA Authoring Practices, tabs pattern, automatic activation;
 * WCAG 2.1.1): on a row of tabs Left / Right move to the previous / next tab and select it, on a
 * column (the PC side navigation) Up / Down do, Home / End go to the first / last; the ends
 * wrap around. With roving tabindex (only the selected tab has tabindex 0) Tab enters the row
 * once and leaves it, instead of stopping on every tab.
 *
 * Use: `@keydown="moveBetweenTabs"` on the element holding the tabs; every tab in it carries
 * `data-roving-tab`.
 */
export function moveBetweenTabs(event: KeyboardEvent): void {
  const row = event.currentTarget as HTMLElement
  const tabs = Array.from(row.querySelectorAll<HTMLElement>('[data-roving-tab]'))
  const from = tabs.indexOf(event.target as HTMLElement)
  if (from < 0 || event.altKey || event.ctrlKey || event.metaKey) return
  const column = getComputedStyle(row).flexDirection.startsWith('column')
  const [back, forward] = column ? ['ArrowUp', 'ArrowDown'] : ['ArrowLeft', 'ArrowRight']
  const to =
    event.key === forward
      ? (from + 1) % tabs.length
      : event.key === back
        ? (from - 1 + tabs.length) % tabs.length
        : event.key === 'Home'
          ? 0
          : event.key === 'End'
            ? tabs.length - 1
            : -1
  if (to < 0) return
  event.preventDefault()
  tabs[to].focus()
  // Selecting is what the tab's click does (a router link navigates, a tab button switches).
  if (to !== from) tabs[to].click()
}
