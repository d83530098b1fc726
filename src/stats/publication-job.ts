import type { DbOrTx } from '../db/client.js'
import { guatemalaDate } from '../cases/guatemala-date.js'
import type { Job } from '../jobs/run-job-once.js'
import { type PublicationSummary, buildPublication } from './publication/build-publication.js'
import { latestPublication } from './publication/read-publication.js'

/**
 * Builds a release when there is none, when k changed, or when a month has closed since the last
 * one was built; otherwise leaves it alone. Releases change once a month on purpose: a release is
 * the previous one with the month that has just closed added, issued once and never recounted
 * (buildPublication), so comparing two releases shows that month's own, protected tables and
 * nothing else: never a day, and never what changed in an older month.
 */
export async function ensurePublication(db: DbOrTx, now: Date, k: number): Promise<PublicationSummary | null> {
  const latest = await latestPublication(db)
  const stale = !latest || latest.k !== k || guatemalaDate(latest.builtAt).slice(0, 7) < guatemalaDate(now).slice(0, 7)
  return stale ? buildPublication(db, { now, k }) : null
}

/**
 * The nightly check (00:20 in Guatemala) that publishes each month once it has closed. Call
 * ensurePublication at start-up as well, so a fresh install answers from its first request.
 */
export function createPublicationJob(k: number): Job {
  return {
    name: 'stats-publication',
    cron: '20 0 * * *',
    run: async (tx, slot) => {
      await ensurePublication(tx, slot, k)
    },
  }
}
