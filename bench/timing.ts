/** p50 and p95 of a task's run times, in milliseconds. */
export type Timing = { p50: number; p95: number }

/** The value below which `share` of the samples fall (nearest rank). */
export function percentile(samples: number[], share: number): number {
  if (samples.length === 0) return NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] ?? NaN
}

/** Runs `task` once to warm caches and plans, then `runs` times, and answers p50 and p95. */
export async function time(runs: number, task: () => Promise<unknown>): Promise<Timing> {
  await task()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await task()
    samples.push(performance.now() - start)
  }
  return { p50: percentile(samples, 0.5), p95: percentile(samples, 0.95) }
}
