/** Shapes of the core JSON API (the backend's contract; keep the names as on the wire). */

export interface Me {
  userid: string
  name: string
  csrf_token: string
}

/** A person as the API names them (a feature's creator, assignee, …). */
export interface Person {
  userid: string
  name: string
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
