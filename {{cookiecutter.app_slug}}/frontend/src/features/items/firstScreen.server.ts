/**
 * 事项's 工作台 panel for the server to draw before the scripts arrive (build time only, see
 * src/firstScreen.server.ts). Rendered from ItemsWorkbench and ItemCard themselves with sample
 * items; the backend fills the slots per user (features/items/first_screen.py):
 *
 * - `panel`: the toolbar and list with `⟦count⟧` (the open-todo badge, fragment `count` with
 *   `⟦open⟧`, left out at 0; "20+" when more pages follow) and `⟦cards⟧`; `empty`: the panel
 *   for an empty todo list. The first page only: 加载更多 comes with the scripts, below it;
 * - `card:<open|done>:<urgent|normal>:<due|nodue>`: one card of the todo box with `⟦id⟧`,
 *   `⟦title⟧`, `⟦person⟧` (发起人), `⟦due⟧` (截止日期) or `⟦when⟧` (发起时间, formatRelative).
 */
import type { FirstScreenPanel } from '@/features/define'
import { FirstScreenTemplateError, listEntry, markSample, optionalPart } from '@/firstScreenSlots'

import ItemsWorkbench from './components/ItemsWorkbench.vue'
import type { Item, ItemPriority, ItemStatus } from './types'

// Sample values the rendered markup shows as they are, then replaced by slots.
const ID = 987654321
const DUE = '2999-12-31'
// Noon, far in the past: formatRelative shows the bare date in any time zone.
const CREATED = '1999-09-09T12:00:00'
const CREATED_SHOWN = '1999-09-09'
const TODO_URL = '/api/items?box=todo'

function sample(status: ItemStatus, priority: ItemPriority, due: boolean): Item {
  const person = { userid: 'sample', name: '⟦person⟧' }
  return {
    id: ID, title: '⟦title⟧', description: '', status, priority, due_date: due ? DUE : null,
    creator: person, assignee: person, created_at: CREATED, completed_at: null, can_complete: false,
  }
}

const LIST = 'data-testid="item-list-todo"'

const panel: FirstScreenPanel = {
  async fragments(render) {
    // The panel with one todo item: its card as the list draws it (with the list's scope).
    const withItem = async (item: Item) =>
      listEntry(await render(ItemsWorkbench, {}, { [TODO_URL]: { items: [item], next_before: null } }), LIST, 'cards')
    const fragments: Record<string, string> = {}
    for (const status of ['open', 'done'] as const) {
      for (const priority of ['urgent', 'normal'] as const) {
        for (const due of [true, false]) {
          let card = (await withItem(sample(status, priority, due))).entry
          card = markSample(card, String(ID), 'id')
          card = due ? markSample(card, DUE, 'due') : markSample(card, CREATED_SHOWN, 'when')
          fragments[`card:${status}:${priority}:${due ? 'due' : 'nodue'}`] = card
        }
      }
    }
    // An open item shows the count of open todos beside 待我办理, a done one does not.
    const open = (await withItem(sample('open', 'normal', false))).template
    const done = (await withItem(sample('done', 'normal', false))).template
    const { template, part } = optionalPart(open, done, 'count')
    fragments.panel = template
    fragments.count = part.replace(/>(\s*)1(\s*)</, '>$1⟦open⟧$2<')
    if (!fragments.count.includes('⟦open⟧')) throw new FirstScreenTemplateError('待办数中找不到数字（⟦open⟧）')
    fragments.empty = await render(ItemsWorkbench, {}, { [TODO_URL]: { items: [], next_before: null } })
    return fragments
  },
}

export default panel
