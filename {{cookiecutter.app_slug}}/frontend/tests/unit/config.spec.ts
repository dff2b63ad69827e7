import { describe, expect, it } from 'vitest'

import { applyPageWidth, DEFAULT_CONFIG, parseAppConfig, readAppConfig } from '@/config'

describe('run-time config', () => {
  it('falls back to defaults while the placeholder is not replaced (vite dev)', () => {
    expect(parseAppConfig('__APP_CONFIG__')).toEqual(DEFAULT_CONFIG)
    expect(parseAppConfig(null)).toEqual(DEFAULT_CONFIG)
    expect(parseAppConfig('{not json')).toEqual(DEFAULT_CONFIG)
  })

  it('reads the HTML-escaped JSON the backend puts in the meta tag', () => {
    const config = {
      appName: '协同办公',
      pageWidth: { mode: 'fixed', width: 800 },
      jssdkUrl: 'http://127.0.0.1:5001/jssdk/jweixin.js',
      corpId: 'ww1234567890abcdef',
      agentId: '1000002',
    }
    const escaped = JSON.stringify(config).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')
    const doc = new DOMParser().parseFromString(
      `<html><head><meta name="app-config" content="${escaped}"></head></html>`,
      'text/html',
    )

    expect(readAppConfig(doc)).toEqual(config)
  })

  it('accepts only fixed widths the standard allows (760–950 px)', () => {
    expect(parseAppConfig('{"pageWidth":{"mode":"fixed","width":950}}').pageWidth).toEqual({ mode: 'fixed', width: 950 })
    expect(parseAppConfig('{"pageWidth":{"mode":"fixed","width":1200}}').pageWidth).toEqual({ mode: 'adaptive' })
    expect(parseAppConfig('{"pageWidth":{"mode":"fixed"}}').pageWidth).toEqual({ mode: 'adaptive' })
  })

  it('marks the page for its width mode with a class and a CSS variable', () => {
    const root = document.createElement('html')
    applyPageWidth(root, { mode: 'fixed', width: 800 })
    expect(root.classList.contains('page-fixed')).toBe(true)
    expect(root.style.getPropertyValue('--app-page-width')).toBe('800px')

    applyPageWidth(root, { mode: 'adaptive' })
    expect(root.classList.contains('page-adaptive')).toBe(true)
    expect(root.classList.contains('page-fixed')).toBe(false)
    expect(root.style.getPropertyValue('--app-page-width')).toBe('')
  })
})
