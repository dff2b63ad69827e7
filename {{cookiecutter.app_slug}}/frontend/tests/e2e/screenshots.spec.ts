import { screenshotTests } from './support'

// The core's pages; a feature's own are in its screenshots.spec.ts.
screenshotTests([
  { file: 'home', hash: '/', view: 'home-view', ready: '[data-testid="greeting"][aria-busy="false"]' },
  { file: 'messages', hash: '/messages', view: 'messages-view', ready: '[data-testid="message-list"]' },
  { file: 'profile', hash: '/me', view: 'profile-view', ready: '[data-testid="masked-mobile"]' },
])
