/** The 事项 endpoints, over the app's same-origin client (src/api). */
import { api } from '@/api'

import type { Item, ItemBox, ItemPage, NewItem } from './types'

/** A page of a box, newest first; `before` is the previous page's `next_before`. */
export const fetchItems = (box: ItemBox, before?: number) => api.get<ItemPage>('/api/items', { box, before })

/** The first page the page carries for the first screen (the backend's first_screen), at once. */
export const firstItems = (box: ItemBox) => api.first<ItemPage>('/api/items', { box })

export const fetchItem = (id: number) => api.get<{ item: Item }>(`/api/items/${id}`).then((data) => data.item)

export const createItem = (input: NewItem) =>
  api.post<{ item: Item }>('/api/items', input).then((data) => data.item)

export const completeItem = (id: number) =>
  api.post<{ item: Item }>(`/api/items/${id}/complete`).then((data) => data.item)
