import { pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/** The last schedule slot each job ran for, so that several app instances run it once. */
export const jobRuns = pgTable('job_runs', {
  name: text('name').primaryKey(),
  lastSlot: timestamp('last_slot', { withTimezone: true }).notNull(),
  finishedAt: timestamp('finished_at', { withTimezone: true }).notNull(),
})
