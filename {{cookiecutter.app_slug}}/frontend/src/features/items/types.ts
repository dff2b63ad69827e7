/** Shapes of the 事项 API (the backend's contract; keep the names as on the wire). */
// Relative, not '@/': the mocked API of the browser specs (tests/e2e/mock-api.ts) uses these types too.
import type { Person } from '../../api/types'

export type ItemStatus = 'open' | 'done'
export type ItemPriority = 'normal' | 'urgent'
/** 待我办理 (todo) or 我发起的 (created). */
export type ItemBox = 'todo' | 'created'

export interface Item {
  id: number
  title: string
  description: string
  status: ItemStatus
  priority: ItemPriority
  due_date: string | null
  creator: Person
  assignee: Person
  created_at: string
  completed_at: string | null
  can_complete: boolean
}

export interface NewItem {
  title: string
  description: string
  assignee_userid: string
  due_date?: string
  priority?: ItemPriority
}
