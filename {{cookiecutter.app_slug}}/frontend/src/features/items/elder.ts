/** 事项 on the 长辈版 工作台 (feature.ts `elder`): my open todos, a page at a time, one line each. */
import type { ElderPage } from '@/features'
import { formatDate } from '@/utils/format'

import { fetchItems } from './api'

/** The todo box's page before `before` (none: the newest); its one line: 紧急 first, else the deadline. */
function todoPage(before?: number): Promise<ElderPage> {
  return fetchItems('todo', before).then(({ items, next_before: after }) => ({
    entries: items
      .filter((item) => item.status === 'open')
      .map((item) => ({
        key: item.id,
        title: item.title,
        note: item.priority === 'urgent' ? '紧急' : item.due_date ? `截止 ${formatDate(item.due_date)}` : undefined,
        to: { name: 'item-detail', params: { id: item.id } },
      })),
    next: after === null ? undefined : () => todoPage(after),
  }))
}

export const waitingForMe = (): Promise<ElderPage> => todoPage()
