/** Shapes of the backend's JSON API (the backend's contract; keep the names as on the wire). */

export interface Me {
  userid: string
  name: string
  csrf_token: string
}

export interface Person {
  userid: string
  name: string
}

export type ItemStatus = 'open' | 'done'
export type ItemPriority = 'normal' | 'urgent'
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

export interface Contact {
  userid: string
  name: string
  department: string
  position: string
}

export interface Message {
  id: number
  title: string
  description: string
  url: string
  created_at: string
  read: boolean
}

/** Sensitive fields arrive already masked by the server (e.g. 138****5678). */
export interface MaskedSensitive {
  mobile: string
  email: string
  address: string
}

export interface Profile {
  userid: string
  name: string
  department: string
  position: string
  sensitive: MaskedSensitive | null
  consent: { granted: boolean; granted_at: string | null }
}

export interface CorpSignature {
  appId: string
  timestamp: number | string
  nonceStr: string
  signature: string
}

export interface AgentSignature {
  corpid: string
  agentid: string | number
  timestamp: number | string
  nonceStr: string
  signature: string
}
