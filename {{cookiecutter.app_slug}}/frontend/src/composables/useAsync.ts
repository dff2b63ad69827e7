import { ref, shallowRef, type Ref, type ShallowRef } from 'vue'

export interface AsyncState<T> {
  data: ShallowRef<T | null>
  error: ShallowRef<unknown>
  loading: Ref<boolean>
  /** Run the loader again (the 重试 button); a newer run wins over an older one. */
  reload: () => Promise<void>
}

/** Load something for a view: data, error and loading as refs. */
export function useAsync<T>(
  loader: () => Promise<T>,
  options: { immediate?: boolean; initial?: T } = {},
): AsyncState<T> {
  // Data the page already carries (the first screen's, src/api/firstScreen.ts) is there for
  // the very first render, as the server drew it: nothing to load, nothing that moves.
  const data = shallowRef<T | null>(options.initial ?? null)
  const error = shallowRef<unknown>(null)
  const loading = ref(false)
  let latest = 0

  async function reload() {
    const ticket = ++latest
    loading.value = true
    error.value = null
    try {
      const value = await loader()
      if (ticket === latest) data.value = value
    } catch (problem) {
      if (ticket === latest) error.value = problem
    } finally {
      if (ticket === latest) loading.value = false
    }
  }

  if ((options.immediate ?? true) && options.initial === undefined) void reload()
  return { data, error, loading, reload }
}
