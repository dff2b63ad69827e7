import { screenshotTests } from '../../../../../tests/e2e/support'

screenshotTests([
  { file: 'items-create', hash: '/items/new', view: 'item-create-view', ready: '[data-testid="title-input"]' },
  { file: 'items-detail', hash: '/items/7', view: 'item-detail-view', ready: '[data-testid="item-title"]' },
])
