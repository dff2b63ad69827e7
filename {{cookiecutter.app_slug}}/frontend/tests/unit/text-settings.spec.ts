import { mount } from '@vue/test-utils'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { TEXT_SETTINGS_KEY } from '@/composables/useTextSettings'

async function freshModule() {
  vi.resetModules()
  return import('@/composables/useTextSettings')
}

describe('字体大小 and 长辈版', () => {
  afterEach(() => {
    localStorage.clear()
    document.documentElement.className = ''
  })

  it('applies the remembered choice to <html> before the first render', async () => {
    localStorage.setItem(TEXT_SETTINGS_KEY, JSON.stringify({ size: 'xlarge', elder: true }))
    const { applyTextSettings } = await freshModule()
    applyTextSettings()
    expect(document.documentElement.classList.contains('text-xlarge')).toBe(true)
    expect(document.documentElement.classList.contains('elder')).toBe(true)
  })

  it('falls back to 标准 for unreadable storage', async () => {
    localStorage.setItem(TEXT_SETTINGS_KEY, '{"size":"huge"')
    const { applyTextSettings, useTextSettings } = await freshModule()
    applyTextSettings()
    expect(useTextSettings().size.value).toBe('standard')
    expect(document.documentElement.className).toBe('')
  })

  it('remembers a choice made in 我的 and switches 长辈版 with the keyboard-operable switch', async () => {
    await freshModule()
    const { default: TextSettings } = await import('@/components/TextSettings.vue')
    const wrapper = mount(TextSettings)
    await wrapper.get('[data-testid="text-size-large"] input').setValue(true)
    expect(document.documentElement.classList.contains('text-large')).toBe(true)
    const elder = wrapper.get('[data-testid="elder-switch"]')
    expect(elder.attributes('role')).toBe('switch')
    expect(elder.attributes('aria-checked')).toBe('false')
    await elder.trigger('click')
    expect(elder.attributes('aria-checked')).toBe('true')
    expect(document.documentElement.classList.contains('elder')).toBe(true)
    expect(JSON.parse(localStorage.getItem(TEXT_SETTINGS_KEY) ?? '{}')).toEqual({ size: 'large', elder: true })
  })
})
