/** 事项 on the 长辈版 工作台 (feature.ts `elder`): the newest page of my open todos, one line each. */
import type { ElderEntry } from '@/features'
import { formatDate } from '@/utils/format'

import { fetchItems } from './api'

/** Its one line: 紧急 first, else the deadline; who asked and when stay on the item's page. */
export const waitingForMe = (): Promise<ElderEntry[]> =>
  fetchItems('todo').then((page) =>
    page.items
      .filter((item) => item.status === 'open')
      .map((item) => ({
        key: item.id,
        title: item.title,
        note: item.priority === 'urgent' ? '紧急' : item.due_date ? `截止 ${formatDate(item.due_date)}` : undefined,
        to: { name: 'item-detail', params: { id: item.id } },
      })),
  )
