import { defineConfig } from 'vitest/config'

// Unit tests of the deck's composables (the shared browser code runs under node --test).
export default defineConfig({
  test: {
    include: ['composables/**/*.test.ts'],
    environment: 'node',
  },
})
