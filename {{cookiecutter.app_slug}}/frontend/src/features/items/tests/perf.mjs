/**
 * 事项's part of `make perf` (frontend/perf/run.mjs finds this file): a few items assigned to
 * the measured user, so 工作台's list is not empty, and two operations timed on the landing
 * page under slow 4G — creating an item (click 提交 → the new item's page shows it) and
 * completing one (click 确认 in the second confirmation → the status reads 已办结).
 */

// One of the simulator's demo users, picked from the app's own contact list.
const ASSIGNEE = { userid: 'lina', name: '李娜' }

/** @type {import('../../../../perf/run.mjs').PerfFeature} */
export default {
  metrics: [
    { id: 'op_create_item', label: 'Slow 4G: create an item', unit: 's', target: 1, better: 'lower', source: 'browser' },
    { id: 'op_complete_item', label: 'Slow 4G: complete an item', unit: 's', target: 1, better: 'lower', source: 'browser' },
  ],

  // 待我办理 with its cards: what 工作台 shows once this feature's data is there.
  landingData: '[data-testid="item-list-todo"] [data-testid^="item-card-"]',

  /** One item per run to complete, and a few more; returns their ids. */
  async seed({ request, target, runs }) {
    const me = await (await request.get(`${target}/api/me`)).json()
    const ids = []
    for (let n = 1; n <= runs + 3; n++) {
      const answer = await request.post(`${target}/api/items`, {
        headers: { 'X-CSRF-Token': me.csrf_token },
        data: {
          title: `性能基准事项 ${n}`,
          description: '由 make perf 创建，用于测量工作台的加载。',
          assignee_userid: me.userid,
          priority: n === 1 ? 'urgent' : 'normal',
        },
      })
      if (!answer.ok()) throw new Error(`seeding an item: ${answer.status()} ${await answer.text()}`)
      ids.push((await answer.json()).item.id)
    }
    return ids
  },

  async operations(page, { run, seeded, timeOperation, waitMs }) {
    // Create: fill the form (not timed), then click 提交 → the new item's page shows it.
    await page.getByTestId('create-item-button').click()
    const title = `基准新建 ${run}-${Date.now() % 100000}`
    await page.getByTestId('title-input').locator('input, textarea').first().fill(title, { timeout: waitMs })
    await page.getByTestId('assignee-picker').click()
    await page.getByTestId('contact-search').fill(ASSIGNEE.name, { timeout: waitMs })
    await page.getByTestId(`contact-option-${ASSIGNEE.userid}`).click({ timeout: waitMs })
    await page.getByTestId('assignee-value').filter({ hasText: ASSIGNEE.name }).waitFor({ timeout: waitMs })
    const create = await timeOperation(page, { click: '[data-testid="submit-button"]', done: '[data-testid="item-title"]', text: title })

    // Complete: open a seeded item (assigned to us), 办结, then 确认 → the status reads 已办结.
    await page.evaluate((id) => (window.location.hash = `#/items/${id}`), seeded[run - 1])
    await page.getByTestId('complete-button').click({ timeout: waitMs })
    await page.locator('.van-dialog').waitFor({ timeout: waitMs })
    const complete = await timeOperation(page, { click: '.van-dialog__confirm', done: '[data-testid="item-status"]', text: '已办结' })
    return { op_create_item: create, op_complete_item: complete }
  },
}
