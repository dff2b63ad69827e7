/**
 * What a business feature tells the core: the descriptor `src/features/<name>/feature.ts`
 * default-exports. The core (router, 工作台, tab bar, first-use guide) reads descriptors only
 * through the registry (./index.ts) and never names a feature.
 */
import type { Component } from 'vue'
import type { RouteRecordRaw } from 'vue-router'

import type { IconName } from '@/components/AppIcon.vue'

/** A first-level page of the feature in the tab bar (its route has `meta.tab: true`). */
export interface FeatureTab {
  /** The route's name. */
  route: string
  label: string
  icon: IconName
}

/** One step of the first-use guide (DB31DSJ/Z 003 §6.3.6 b). */
export interface GuideStep {
  icon: IconName
  title: string
  text: string
}

export interface Feature {
  /** The folder's name under src/features/ (lowercase, e.g. `leave`). */
  name: string
  /** What users call it (e.g. 请假): names its panel on 工作台. */
  title: string
  /** Its pages. Components load lazily: `component: () => import('./views/XView.vue')`. */
  routes: RouteRecordRaw[]
  /** Its panel on 工作台, the landing page: imported eagerly, it is on the first screen. */
  workbench?: Component
  /** Entries it adds to the tab bar, after 工作台. */
  tabs?: FeatureTab[]
  /** Steps it adds to the first-use guide. */
  guide?: GuideStep[]
}

/** Identity at run time; gives `feature.ts` its type checking. */
export function defineFeature(feature: Feature): Feature {
  return feature
}
