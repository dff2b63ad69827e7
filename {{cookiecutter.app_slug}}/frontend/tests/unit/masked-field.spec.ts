import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import type { Profile } from '@/api/types'
import MaskedField from '@/components/MaskedField.vue'
import ProfileView from '@/views/ProfileView.vue'

const GRANTED: Profile = {
  userid: 'zhangsan',
  name: '张三',
  department: '办公室',
  position: '科员',
  sensitive: { mobile: '138****5678', email: 'z***@example.gov.cn', address: '上海市黄浦区****' },
  consent: { granted: true, granted_at: '2026-02-01T09:30:00+08:00' },
}

const api = vi.hoisted(() => ({
  fetchProfile: vi.fn(),
  grantConsent: vi.fn(),
  withdrawConsent: vi.fn(),
}))
vi.mock('@/api', () => api)

beforeEach(() => {
  localStorage.clear()
  sessionStorage.clear()
})

afterEach(() => {
  vi.restoreAllMocks()
})

describe('masked personal data', () => {
  it('shows exactly what the server masked, read-only', () => {
    const wrapper = mount(MaskedField, { props: { label: '手机号码', value: '138****5678', testid: 'masked-mobile' } })
    expect(wrapper.get('[data-testid="masked-mobile"]').text()).toBe('138****5678')
    expect(wrapper.find('input').exists()).toBe(false)
  })

  it('says so when a value is missing', () => {
    const wrapper = mount(MaskedField, { props: { label: '邮箱', value: '', testid: 'masked-email' } })
    expect(wrapper.get('[data-testid="masked-email"]').text()).toBe('未提供')
  })

  it('renders the profile’s masked fields and keeps nothing in browser storage', async () => {
    const setItem = vi.spyOn(Storage.prototype, 'setItem')
    api.fetchProfile.mockResolvedValue(structuredClone(GRANTED))

    const wrapper = mount(ProfileView)
    await flushPromises()

    expect(wrapper.get('[data-testid="masked-mobile"]').text()).toBe('138****5678')
    expect(wrapper.get('[data-testid="masked-email"]').text()).toBe('z***@example.gov.cn')
    expect(wrapper.get('[data-testid="masked-address"]').text()).toBe('上海市黄浦区****')
    // Read-only text, never an input (the page's 字体大小 radios are the only inputs).
    expect(wrapper.get('[data-testid="private-info"]').find('input').exists()).toBe(false)
    expect(setItem).not.toHaveBeenCalled()
    expect(localStorage.length).toBe(0)
    expect(sessionStorage.length).toBe(0)
  })

  it('explains the consent before asking for it when not granted', async () => {
    api.fetchProfile.mockResolvedValue({ ...structuredClone(GRANTED), sensitive: null, consent: { granted: false, granted_at: null } })

    const wrapper = mount(ProfileView)
    await flushPromises()

    expect(wrapper.find('[data-testid="masked-mobile"]').exists()).toBe(false)
    expect(wrapper.get('[data-testid="consent-explainer"]').text()).toContain('仅用于办理工作时联系您')
    expect(wrapper.find('[data-testid="grant-consent-button"]').exists()).toBe(true)
  })
})
