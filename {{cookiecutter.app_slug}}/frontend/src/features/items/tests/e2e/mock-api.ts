/**
 * 事项's part of the mocked API (frontend/tests/e2e/support.ts finds this file): its
 * endpoints over a few items of the logged-in user, as the backend answers them.
 */
import { CONTACTS, defineMockFeature, errorBody, ME } from '../../../../../tests/e2e/support'
import type { Item, ItemPage } from '../../types'

const LISI = { userid: 'lisi', name: '李四' }
const WANGWU = { userid: 'wangwu', name: '王五' }
const ZHANGSAN = { userid: ME.userid, name: ME.name }

export function defaultItems(): Item[] {
  return [
    {
      id: 7,
      title: '报送第一季度安全生产检查材料',
      description: '请于本周五前将检查表和整改清单报送办公室。\n材料模板见共享盘“安全检查”目录。',
      status: 'open',
      priority: 'urgent',
      due_date: '2026-03-06',
      creator: LISI,
      assignee: ZHANGSAN,
      created_at: '2026-03-02T09:15:00+08:00',
      completed_at: null,
      can_complete: true,
    },
    {
      id: 8,
      title: '核对三月份会议室预约',
      description: '',
      status: 'open',
      priority: 'normal',
      due_date: null,
      creator: WANGWU,
      assignee: ZHANGSAN,
      created_at: '2026-03-01T14:02:00+08:00',
      completed_at: null,
      can_complete: true,
    },
    {
      id: 5,
      title: '更新部门通讯录',
      description: '新入职两位同事，请补充联系方式。',
      status: 'done',
      priority: 'normal',
      due_date: '2026-02-20',
      creator: LISI,
      assignee: ZHANGSAN,
      created_at: '2026-02-16T10:00:00+08:00',
      completed_at: '2026-02-18T16:40:00+08:00',
      can_complete: false,
    },
    {
      id: 9,
      title: '起草年度培训计划',
      description: '结合各科室需求，形成初稿。',
      status: 'open',
      priority: 'normal',
      due_date: '2026-03-20',
      creator: ZHANGSAN,
      assignee: WANGWU,
      created_at: '2026-03-03T08:40:00+08:00',
      completed_at: null,
      can_complete: false,
    },
  ]
}

/** The message the backend sends the assignee of a new item (the inbox is the core's). */
export const NEW_ITEM_MESSAGE = {
  id: 41,
  title: '新的协同事项',
  description: '李四请您办理：报送第一季度安全生产检查材料',
  url: 'http://127.0.0.1/#/items/7',
  created_at: '2026-03-02T09:16:00+08:00',
  read: false,
}

export interface ItemsData {
  items: Item[]
  nextId: number
}

const NOT_FOUND = errorBody(404, '事项不存在', '该事项不存在或已被删除。')

/** The backend's page size (features/items/service.py PAGE_SIZE). */
const PAGE_SIZE = 20

/** A page of a box as GET /api/items?box=&before= answers it (the data is newest first). */
function box(data: ItemsData, name: string | null, before: string | null = null): ItemPage {
  const mine = data.items.filter((item) => (name === 'created' ? item.creator.userid : item.assignee.userid) === ME.userid)
  const start = before ? mine.findIndex((item) => item.id === Number(before)) + 1 : 0
  const items = mine.slice(start, start + PAGE_SIZE)
  return { items, next_before: mine.length > start + PAGE_SIZE ? items[items.length - 1].id : null }
}

export default defineMockFeature<ItemsData>({
  name: 'items',
  data: () => ({ items: defaultItems(), nextId: 100 }),
  routes: (data) => [
    {
      method: 'GET',
      path: /^\/api\/items$/,
      handler: (request) => ({ body: box(data, request.query.get('box'), request.query.get('before')) }),
    },
    {
      method: 'GET',
      path: /^\/api\/items\/(\d+)$/,
      handler: (_request, match) => {
        const item = data.items.find((candidate) => candidate.id === Number(match[1]))
        return item ? { body: { item } } : { status: 404, body: NOT_FOUND }
      },
    },
    {
      method: 'POST',
      path: /^\/api\/items$/,
      handler: (request) => {
        const input = request.body as Record<string, string>
        const assignee = CONTACTS.find((contact) => contact.userid === input.assignee_userid)
        if (!input.title || !assignee) {
          return { status: 400, body: errorBody(400, '参数有误', '请检查填写的内容。', { title: '请填写标题' }) }
        }
        const item: Item = {
          id: data.nextId++,
          title: input.title,
          description: input.description ?? '',
          status: 'open',
          priority: input.priority === 'urgent' ? 'urgent' : 'normal',
          due_date: input.due_date ?? null,
          creator: ZHANGSAN,
          assignee: { userid: assignee.userid, name: assignee.name },
          created_at: new Date().toISOString(),
          completed_at: null,
          can_complete: false,
        }
        data.items.unshift(item)
        return { status: 201, body: { item } }
      },
    },
    {
      method: 'POST',
      path: /^\/api\/items\/(\d+)\/complete$/,
      handler: (_request, match) => {
        const item = data.items.find((candidate) => candidate.id === Number(match[1]))
        if (!item) return { status: 404, body: NOT_FOUND }
        Object.assign(item, { status: 'done', completed_at: new Date().toISOString(), can_complete: false })
        return { body: { item } }
      },
    },
  ],
  // The backend embeds the todo box: 工作台 opens on it.
  firstScreen: (data) => ({ '/api/items?box=todo': box(data, 'todo') }),
})
