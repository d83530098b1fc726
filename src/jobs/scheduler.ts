import cron, { type ScheduledTask } from 'node-cron'
import type { Db } from '../db/client.js'
import { jobRuns } from '../db/schema/index.js'
import { NotFoundError } from '../domain-errors.js'
import type { Logger } from '../log.js'
import { type Job, type JobOutcome, runJobOnce } from './run-job-once.js'

export const SCHEDULER_TIMEZONE = 'America/Guatemala'

/** A job as `jobs list` shows it: its schedule and its last run, if any. */
export type JobStatus = { name: string; cron: string; lastSlot: Date | null; finishedAt: Date | null }

export type Scheduler = {
  start: () => Promise<void>
  stop: () => void
  /** the jobs with their last recorded run */
  list: () => Promise<JobStatus[]>
  /** runs one job now, outside its schedule (operators, tests); NotFoundError for an unknown name */
  runNow: (name: string) => Promise<JobOutcome>
}

/** The slot a firing belongs to: the minute, so instances whose clocks differ by seconds agree. */
export function slotOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000)
}

/**
 * Runs each job on its cron schedule, once across app instances, and only then: starting the app
 * runs nothing (a restart at 03:46 used to send every digest and follow-up question at 03:46).
 * Work missed while the app was down is caught up at the job's next firing, since jobs look at
 * the state (cases already overdue), not at the times they were due to fire.
 */
export function createScheduler(deps: { db: Db; jobs: readonly Job[]; logger: Logger; now?: () => Date }): Scheduler {
  const now = deps.now ?? (() => new Date())
  const tasks: ScheduledTask[] = []

  async function fire(job: Job) {
    try {
      const outcome = await runJobOnce(deps.db, job, slotOf(now()))
      deps.logger.debug({ job: job.name, outcome }, 'job fired')
    } catch (error) {
      deps.logger.error({ err: error, job: job.name }, 'job failed')
    }
  }

  return {
    async start() {
      for (const job of deps.jobs) {
        tasks.push(cron.schedule(job.cron, () => fire(job), { timezone: SCHEDULER_TIMEZONE, name: job.name }))
      }
    },
    stop() {
      for (const task of tasks) void task.stop()
      tasks.length = 0
    },
    async list() {
      const runs = await deps.db.select().from(jobRuns)
      return deps.jobs.map((job) => {
        const run = runs.find((r) => r.name === job.name)
        return { name: job.name, cron: job.cron, lastSlot: run?.lastSlot ?? null, finishedAt: run?.finishedAt ?? null }
      })
    },
    async runNow(name) {
      const job = deps.jobs.find((j) => j.name === name)
      if (!job) throw new NotFoundError('job', `${name} (known: ${deps.jobs.map((j) => j.name).join(', ')})`)
      // The exact instant, not the minute: it runs even if the schedule already ran this minute.
      const outcome = await runJobOnce(deps.db, job, now())
      deps.logger.info({ job: job.name, outcome }, 'job run by hand')
      return outcome
    },
  }
}
