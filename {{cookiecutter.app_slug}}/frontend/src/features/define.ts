/**
 * What a business feature tells the core: the descriptor `src/features/<name>/feature.ts`
 * default-exports. The core (router, 工作台, tab bar, first-use guide) reads descriptors only
 * through the registry (./index.ts) and never names a feature.
 */
import type { Component } from 'vue'
import type { RouteLocationRaw, RouteRecordRaw } from 'vue-router'

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

/** One entry of a feature's list on the 长辈版 工作台: its title and at most one short line. */
export interface ElderEntry {
  key: string | number
  title: string
  /** The one thing to know before opening it (紧急, a deadline, who asked); no other meta. */
  note?: string
  to: RouteLocationRaw
}

/** A page of a 长辈版 list: its entries, and how to fetch the next page (none: this is the last). */
export interface ElderPage {
  entries: ElderEntry[]
  next?: () => Promise<ElderPage>
}

/**
 * The feature on the 长辈版 工作台 (工信部《移动互联网应用（APP）适老化通用设计规范》: fewer,
 * larger things). Data, not a component: the core draws every feature's the same way — its
 * count, its main action and its main list in one column, large text, targets ≥ 60 × 60
 * (src/components/ElderPanel.vue, loaded only when 长辈版 is on).
 */
export interface ElderWorkbench {
  /** What the list is, e.g. 待我办理; the panel says how many there are. */
  label: string
  /**
   * The list's first page, fetched when the panel shows: what waits for the user, nothing else.
   * With `next`, the panel says 20+ 件 and offers 加载更多. Keep its code out of the landing
   * route: `() => import('./elder').then((m) => m.waitingForMe())`.
   */
  load: () => Promise<ElderPage>
  /** Shown when the list is empty, e.g. 暂无待办. */
  empty: string
  /** The main action, e.g. 提交申请: a route of the feature. */
  action?: { route: string; label: string }
  /** Where the rest is (the feature's list page), if it has one. */
  more?: { route: string; label: string }
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
  /**
   * Its panel on the 长辈版 工作台 instead of `workbench`. Without it, 长辈版 shows `workbench`
   * at the larger size.
   */
  elder?: ElderWorkbench
  /** Entries it adds to the tab bar, after 工作台. */
  tabs?: FeatureTab[]
  /** Steps it adds to the first-use guide. */
  guide?: GuideStep[]
}

/** Identity at run time; gives `feature.ts` its type checking. */
export function defineFeature(feature: Feature): Feature {
  return feature
}

/** Renders a component of the app as the landing page shows it (the build's first-screen template). */
export type RenderComponent = (
  component: Component,
  props?: Record<string, unknown>,
  answers?: Record<string, unknown>,
) => Promise<string>

/**
 * A feature's 工作台 panel drawn by the server before the scripts arrive (optional): the
 * default export of `src/features/<name>/firstScreen.server.ts`. At `npm run build` it renders
 * the feature's own components, with marked data, into named fragments whose `⟦slot⟧` marks the
 * feature's backend fills in with each user's escaped data (features/<name>/: `first_screen_panel`).
 * Without it the panel shows once the scripts run, as before.
 */
export interface FirstScreenPanel {
  fragments: (render: RenderComponent) => Promise<Record<string, string>>
}
