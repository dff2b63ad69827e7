import { fileURLToPath } from 'node:url'

import { configDefaults, defineConfig, mergeConfig } from 'vitest/config'

import viteConfig from './vite.config'

export default mergeConfig(
  viteConfig,
  defineConfig({
    test: {
      environment: 'happy-dom',
      // The core's specs, and each feature's own (src/features/<name>/tests/unit/).
      include: ['tests/unit/**/*.spec.ts', 'src/features/*/tests/unit/**/*.spec.ts'],
      exclude: [...configDefaults.exclude, 'tests/e2e/**'],
      root: fileURLToPath(new URL('./', import.meta.url)),
      // Vant's style entries import .css files: let Vite, not Node, load them.
      server: { deps: { inline: ['vant'] } },
    },
  }),
)
