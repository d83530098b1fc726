import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // the case-event subscribers compose.ts wires, for tests that call services directly
    setupFiles: ['test/support/wire-case-events.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each PGlite instance takes a few hundred MB; two cores and 24 GB: keep workers few.
    maxWorkers: 3,
  },
})
