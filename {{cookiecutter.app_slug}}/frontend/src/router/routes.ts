/**
 * The app's routes, apart from the router: the build renders the first screen with them too
 * (src/firstScreen.server.ts, a memory history), where there is no window to listen to.
 */
import type { RouteRecordRaw } from 'vue-router'

import { features } from '@/features'

// The landing route is eager: a lazy one costs a serial round trip before anything shows.
import HomeView from '../views/HomeView.vue'

declare module 'vue-router' {
  interface RouteMeta {
    /** Page title for the client's title bar. */
    title: string
    /** Shows the tab bar (first-level pages). */
    tab?: boolean
  }
}

export const routes: RouteRecordRaw[] = [
  { path: '/', name: 'home', component: HomeView, meta: { title: '工作台', tab: true } },
  {
    path: '/messages',
    name: 'messages',
    component: () => import('../views/MessagesView.vue'),
    meta: { title: '消息', tab: true },
  },
  {
    path: '/me',
    name: 'profile',
    component: () => import('../views/ProfileView.vue'),
    meta: { title: '我的', tab: true },
  },
  // Each feature's pages (src/features/<name>/feature.ts), before the catch-all.
  ...features.flatMap((feature) => feature.routes),
  {
    path: '/:pathMatch(.*)*',
    name: 'not-found',
    component: () => import('../views/NotFoundView.vue'),
    meta: { title: '页面不存在' },
  },
]
