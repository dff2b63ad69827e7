/**
 * 事项, the sample business feature: assign a piece of work to a colleague, who gets it as a
 * platform todo and completes it. Delete this folder (and the backend's features/items/)
 * and the app runs without it.
 */
import { defineFeature } from '@/features/define'

// Eager: the panel is on 工作台, the first screen; the pages below load when opened.
import ItemsWorkbench from './components/ItemsWorkbench.vue'

export default defineFeature({
  name: 'items',
  title: '事项',
  // The platform todo's link opens /#/items/<id>: tab page → item → done, 2 levels.
  routes: [
    {
      path: '/items/new',
      name: 'item-create',
      component: () => import('./views/ItemCreateView.vue'),
      meta: { title: '发起事项' },
    },
    {
      path: '/items/:id(\\d+)',
      name: 'item-detail',
      component: () => import('./views/ItemDetailView.vue'),
      props: true,
      meta: { title: '事项详情' },
    },
  ],
  workbench: ItemsWorkbench,
  // 长辈版: only what waits for me and 发起事项; no boxes, no 发起人/时间 lines. Its list's
  // code loads when 长辈版 is on (the landing route's JS budget).
  elder: {
    label: '待我办理',
    load: () => import('./elder').then((module) => module.waitingForMe()),
    empty: '暂无待办事项',
    action: { route: 'item-create', label: '发起事项' },
  },
  guide: [
    { icon: 'workbench', title: '查看待办', text: '“工作台”列出待您办理和您发起的事项。' },
    { icon: 'plus', title: '发起事项', text: '填写标题并选择办理人，对方会在一网协同待办中收到。' },
  ],
})
