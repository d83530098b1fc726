import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each PGlite instance takes a few hundred MB; two cores and 24 GB: keep workers few.
    maxWorkers: 3,
  },
})
