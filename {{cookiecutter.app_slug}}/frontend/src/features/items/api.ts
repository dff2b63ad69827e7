/** The 事项 endpoints, over the app's same-origin client (src/api). */
import { api } from '@/api'

import type { Item, ItemBox, NewItem } from './types'

export const fetchItems = (box: ItemBox) =>
  api.get<{ items: Item[] }>('/api/items', { box }).then((data) => data.items)

/** The list the page carries for the first screen (the backend's first_screen), at once. */
export const firstItems = (box: ItemBox) => api.first<{ items: Item[] }>('/api/items', { box })?.items

export const fetchItem = (id: number) => api.get<{ item: Item }>(`/api/items/${id}`).then((data) => data.item)

export const createItem = (input: NewItem) =>
  api.post<{ item: Item }>('/api/items', input).then((data) => data.item)

export const completeItem = (id: number) =>
  api.post<{ item: Item }>(`/api/items/${id}/complete`).then((data) => data.item)
