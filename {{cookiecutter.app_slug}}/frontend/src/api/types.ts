/**
 * Shapes of the core JSON API: names for the types generated from the backend's OpenAPI
 * document (schema.d.ts, `make api-types`), so a change of the backend is a type error here.
 */
import type { components } from './schema'

type Schemas = components['schemas']

export type Me = Schemas['Me']

/**
 * A person as the API names them (a feature's creator, assignee, …). Each feature's document
 * has its own `Person` schema of this shape; the core's operations use none.
 */
export interface Person {
  userid: string
  name: string
}

export type Contact = Schemas['Contact']

export type Message = Schemas['Message']

/** A page of the inbox, newest first; `next_before` asks for the next (null: the last). */
export type MessagePage = Schemas['MessageList']

/** Sensitive fields arrive already masked by the server (e.g. 138****5678). */
export type MaskedSensitive = NonNullable<Profile['sensitive']>

export type Profile = Schemas['Profile']

export type CorpSignature = Schemas['CorpSignature']

export type AgentSignature = Schemas['AgentSignature']
