import { openApp, test } from './support'

// Screenshots for a person to look at: SCREENSHOT_DIR=/tmp/shots npx playwright test screenshots
const DIR = process.env.SCREENSHOT_DIR

const SHOTS = [
  { file: 'home', hash: '/', view: 'home-view', ready: 'item-card-7' },
  { file: 'create', hash: '/items/new', view: 'item-create-view', ready: 'title-input' },
  { file: 'detail', hash: '/items/7', view: 'item-detail-view', ready: 'item-title' },
  { file: 'messages', hash: '/messages', view: 'messages-view', ready: 'message-list' },
  { file: 'profile', hash: '/me', view: 'profile-view', ready: 'masked-mobile' },
]

for (const shot of SHOTS) {
  test(`screenshot ${shot.file}`, async ({ page }, testInfo) => {
    test.skip(!DIR, 'set SCREENSHOT_DIR to take screenshots')
    await openApp(page, shot.hash, shot.view)
    await page.getByTestId(shot.ready).first().waitFor()
    await page.screenshot({ path: `${DIR}/${testInfo.project.name}-${shot.file}.png`, fullPage: true })
  })
}
