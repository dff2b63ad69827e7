import { afterEach, describe, expect, it, vi } from 'vitest'

import { trapFocus } from '@/ui/focusTrap'

function press(key: string, shiftKey = false) {
  document.dispatchEvent(new KeyboardEvent('keydown', { key, shiftKey, bubbles: true, cancelable: true }))
}

describe('modal focus trap', () => {
  afterEach(() => {
    document.body.innerHTML = ''
  })

  it('moves focus in, keeps Tab inside, closes on Escape and gives focus back to the trigger', () => {
    document.body.innerHTML = `
      <button id="trigger">打开</button>
      <div id="dialog"><button id="first">取消</button><button id="last">确认</button></div>`
    const trigger = document.getElementById('trigger') as HTMLButtonElement
    const dialog = document.getElementById('dialog') as HTMLElement
    // happy-dom lays nothing out: every element counts as rendered here.
    for (const element of Array.from(document.querySelectorAll('button'))) {
      element.getClientRects = () => [{}] as unknown as DOMRectList
    }
    trigger.focus()
    const onEscape = vi.fn()
    const release = trapFocus(dialog, { onEscape })
    expect(document.activeElement?.id).toBe('first')

    document.getElementById('last')?.focus()
    press('Tab')
    expect(document.activeElement?.id).toBe('first')
    press('Tab', true)
    expect(document.activeElement?.id).toBe('last')

    press('Escape')
    expect(onEscape).toHaveBeenCalledOnce()
    release()
    expect(document.activeElement).toBe(trigger)
  })
})
