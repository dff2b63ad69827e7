/** useLazyComponent: nothing is fetched until needed, once; a failure is reported, and retried on request. */
import { flushPromises } from '@vue/test-utils'
import { describe, expect, it, vi } from 'vitest'
import { defineComponent, nextTick, ref } from 'vue'

import { useLazyComponent } from '@/composables/useLazyComponent'

const Loaded = defineComponent({ template: '<p>loaded</p>' })

describe('useLazyComponent', () => {
  it('loads the component the first time it is needed, and only then', async () => {
    const needed = ref(false)
    const load = vi.fn(async () => ({ default: Loaded }))
    const component = useLazyComponent(() => needed.value, load)
    await flushPromises()
    expect(load).not.toHaveBeenCalled()
    expect(component.value).toBeNull()
    needed.value = true
    await nextTick()
    await flushPromises()
    expect(component.value).toBe(Loaded)
    needed.value = false
    await nextTick()
    needed.value = true
    await nextTick()
    expect(load).toHaveBeenCalledTimes(1)
  })

  it('says failed when the chunk cannot load, and tries again when set back to null', async () => {
    let offline = true
    const load = vi.fn(() =>
      offline ? Promise.reject(new TypeError('Failed to fetch dynamically imported module')) : Promise.resolve({ default: Loaded }),
    )
    const component = useLazyComponent(() => true, load)
    await flushPromises()
    expect(component.value).toBe('failed')
    expect(load).toHaveBeenCalledTimes(1) // no retry loop while it stays failed
    offline = false
    component.value = null
    await nextTick()
    await flushPromises()
    expect(component.value).toBe(Loaded)
    expect(load).toHaveBeenCalledTimes(2)
  })
})
