import cron, { type ScheduledTask } from 'node-cron'
import type { Db } from '../db/client.js'
import type { Logger } from '../log.js'
import { type Job, runJobOnce } from './run-job-once.js'

export const SCHEDULER_TIMEZONE = 'America/Guatemala'

export type Scheduler = { start: () => Promise<void>; stop: () => void }

/** The slot a firing belongs to: the minute, so instances whose clocks differ by seconds agree. */
export function slotOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 60_000) * 60_000)
}

/**
 * Runs each job on its cron schedule, once across app instances. On start every job runs once
 * for the current minute, so work missed while the app was down is caught up (jobs look at the
 * state, e.g. cases already overdue, not at the time they were due to fire).
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
      for (const job of deps.jobs) await fire(job)
      for (const job of deps.jobs) {
        tasks.push(cron.schedule(job.cron, () => fire(job), { timezone: SCHEDULER_TIMEZONE, name: job.name }))
      }
    },
    stop() {
      for (const task of tasks) void task.stop()
      tasks.length = 0
    },
  }
}
