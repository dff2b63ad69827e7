import { shallowRef, watchEffect, type Component, type ShallowRef } from 'vue'

export type LazyComponent = ShallowRef<Component | 'failed' | null>

/**
 * A component loaded the first time `needed()` is true, with a plain import(): Vue's
 * defineAsyncComponent would add to the landing route's JS budget, and so would the
 * component itself, imported eagerly. Null until it is there; 'failed' if it could not load,
 * so that the caller shows something else. Setting it back to null tries again.
 */
export function useLazyComponent(needed: () => unknown, load: () => Promise<{ default: Component }>): LazyComponent {
  const component: LazyComponent = shallowRef(null)
  let loading = false
  const settle = (loaded: Component | 'failed') => {
    loading = false
    component.value = loaded
  }
  watchEffect(() => {
    if (needed() && component.value === null && !loading) {
      loading = true
      load().then(
        (module) => settle(module.default),
        () => settle('failed'),
      )
    }
  })
  return component
}
