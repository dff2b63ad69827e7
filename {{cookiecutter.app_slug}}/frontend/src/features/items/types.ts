/**
 * Shapes of the 事项 API: names for the types generated from the backend's OpenAPI document
 * (schema.d.ts, `make api-types`), so a change of the backend is a type error here.
 */
// Relative: the mocked API of the browser specs (tests/e2e/mock-api.ts) uses these types too.
import type { components, operations } from './schema'

type Schemas = components['schemas']

export type Item = Schemas['Item']
/** A page of GET /api/items: its items and `next_before` for the next page (null: none). */
export type ItemPage = Schemas['ItemList']
export type ItemStatus = Item['status']
export type ItemPriority = Item['priority']
/** 待我办理 (todo) or 我发起的 (created): the `box` of GET /api/items. */
export type ItemBox = NonNullable<NonNullable<operations['items_list_items']['parameters']['query']>['box']>

export type NewItem = Schemas['NewItem']
