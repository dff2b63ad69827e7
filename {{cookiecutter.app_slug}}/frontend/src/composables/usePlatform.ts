import { shallowRef } from 'vue'

import { getJssdk, type Jssdk, type PlatformStatus } from '@/platform/jssdk'

const status = shallowRef<PlatformStatus | null>(null)

/**
 * The platform adapter and its status for templates: `status` is null while the client is
 * being configured, then tells which features to show (e.g. the contact picker's fallback).
 */
export function usePlatform(): { status: typeof status; sdk: Jssdk } {
  const sdk = getJssdk()
  if (status.value === null) {
    void sdk.ready().then((value) => {
      status.value = value
    })
  }
  return { status, sdk }
}
