import { eq, sql } from 'drizzle-orm'
import type { Db, Tx } from '../db/client.js'
import { jobRuns } from '../db/schema/index.js'

/** A scheduled job. `run` gets the transaction it runs in and the time of its slot. */
export type Job = {
  name: string
  /** node-cron expression, evaluated in America/Guatemala */
  cron: string
  run: (tx: Tx, slot: Date) => Promise<void>
}

export type JobOutcome = 'ran' | 'skipped'

/**
 * Runs a job for one schedule slot unless some instance already did. An advisory lock keeps two
 * instances from running it at the same time, and the recorded last slot keeps the second one
 * from running it again afterwards. The job's writes and the record commit together.
 */
export async function runJobOnce(db: Db, job: Job, slot: Date): Promise<JobOutcome> {
  return db.transaction(async (tx) => {
    const [lock] = await tx
      .select({ taken: sql<boolean>`pg_try_advisory_xact_lock(hashtext(${`dialogo-job:${job.name}`}))` })
      .from(sql`(select 1) as one`)
    if (!lock?.taken) return 'skipped'
    const [last] = await tx.select().from(jobRuns).where(eq(jobRuns.name, job.name))
    if (last && last.lastSlot.getTime() >= slot.getTime()) return 'skipped'
    await job.run(tx, slot)
    const finishedAt = new Date()
    await tx
      .insert(jobRuns)
      .values({ name: job.name, lastSlot: slot, finishedAt })
      .onConflictDoUpdate({ target: jobRuns.name, set: { lastSlot: slot, finishedAt } })
    return 'ran'
  })
}
