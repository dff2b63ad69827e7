/**
 * The registry of business features: every `./<name>/feature.ts` is found at build time,
 * so adding or removing a feature folder edits no core file.
 */
import type { Feature } from './define'

export type { ElderEntry, ElderPage, ElderWorkbench, Feature, FeatureTab, FirstScreenPanel, GuideStep, RenderComponent } from './define'

// DB31DSJ/Z 003 §6.3.6 e: a whole flow takes at most 5 levels of pages; a route's depth is
// the number of segments in its path (the same count as `flask compliance check`).
export const MAX_ROUTE_DEPTH = 5

export class FeatureError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'FeatureError'
  }
}

export function routeDepth(path: string): number {
  return path.split('/').filter(Boolean).length
}

/**
 * The features of `import.meta.glob('./*\/feature.ts')`, in folder order, checked: a
 * descriptor is named after its folder, its routes stay within the depth limit, its tabs
 * point at its own first-level routes and its 长辈版 links at its own routes.
 */
export function collectFeatures(modules: Record<string, { default: Feature }>): Feature[] {
  const features: Feature[] = []
  for (const [file, module] of Object.entries(modules).sort(([a], [b]) => a.localeCompare(b))) {
    const folder = file.split('/').slice(-2)[0]
    const feature = module.default
    if (!feature || feature.name !== folder) {
      throw new FeatureError(`${file} 应默认导出 defineFeature({ name: '${folder}', … })，name 与目录名相同`)
    }
    for (const route of feature.routes) {
      if (routeDepth(route.path) > MAX_ROUTE_DEPTH) {
        throw new FeatureError(`功能 ${feature.name} 的路由 ${route.path} 超过 ${MAX_ROUTE_DEPTH} 层（DB31DSJ/Z 003 §6.3.6 e）`)
      }
    }
    for (const tab of feature.tabs ?? []) {
      const route = feature.routes.find((candidate) => candidate.name === tab.route)
      if (!route?.meta?.tab) {
        throw new FeatureError(`功能 ${feature.name} 的标签“${tab.label}”应指向它自己带 meta.tab 的路由 ${tab.route}`)
      }
    }
    for (const link of [feature.elder?.action, feature.elder?.more]) {
      if (link && !feature.routes.some((route) => route.name === link.route)) {
        throw new FeatureError(`功能 ${feature.name} 长辈版的“${link.label}”应指向它自己的路由，没有 ${link.route}`)
      }
    }
    features.push(feature)
  }
  return features
}

const modules = import.meta.glob<{ default: Feature }>('./*/feature.ts', { eager: true })

// Checked under `vite` (dev) and in the unit tests, where a mistake shows at once; the
// production bundle leaves the checks out (first-screen budget) rather than stop a working app.
export const features: Feature[] = import.meta.env.DEV
  ? collectFeatures(modules)
  : Object.keys(modules)
      .sort()
      .map((file) => modules[file].default)
