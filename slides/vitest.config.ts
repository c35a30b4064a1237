import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

// Unit tests of the addon's composables (../addon; the shared browser code runs under
// node --test), with this deck's packages and the addon's `#loopcast` alias.
const at = (path: string) => fileURLToPath(new URL(path, import.meta.url))

export default defineConfig({
  resolve: {
    alias: { '#loopcast': at('../static') },
    dedupe: ['vue'],
  },
  test: {
    dir: at('../addon'),
    include: ['composables/**/*.test.ts'],
    environment: 'node',
  },
})
