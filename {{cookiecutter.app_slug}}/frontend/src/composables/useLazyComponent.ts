import { shallowRef, watchEffect, type Component, type ShallowRef } from 'vue'

export type LazyComponent = ShallowRef<Component | 'failed' | null>

/**
 * A component loaded the first time `needed()` is true, with a plain import(): Vue's
 * defineAsyncComponent would add to the landing route's JS budget, and so would the
 * component itself, imported eagerly. Null until it is there; 'failed' if it could not load,
 * so that the caller shows something else.
 */
export function useLazyComponent(needed: () => unknown, load: () => Promise<{ default: Component }>): LazyComponent {
  const component: LazyComponent = shallowRef(null)
  const settle = (loaded: Component | 'failed') => (component.value = loaded)
  watchEffect(() => {
    if (needed() && !component.value) {
      load().then(
        (module) => settle(module.default),
        () => settle('failed'),
      )
    }
  })
  return component
}
