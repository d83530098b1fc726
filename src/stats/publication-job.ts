import type { DbOrTx } from '../db/client.js'
import { guatemalaDate } from '../cases/guatemala-date.js'
import type { Job } from '../jobs/run-job-once.js'
import { type PublicationSummary, buildPublication } from './publication/build-publication.js'
import { latestPublication } from './publication/read-publication.js'

/**
 * Builds a publication when there is none, when k changed, or when a month has closed since the
 * last one was built; otherwise leaves it alone. Publications change once a month on purpose:
 * two releases differ by a whole month (plus revisions), never by a day, so comparing yesterday's
 * figures with today's cannot isolate one day's complaints.
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
