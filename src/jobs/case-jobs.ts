import type { Config } from '../config.js'
import type { Job } from './run-job-once.js'
import { digestJob } from '../staff/digest-job.js'
import { escalationJob } from '../cases/escalate-overdue.js'
import { type StartFlow, followUpJob } from '../cases/follow-up-job.js'

/** The settings of the case jobs; left out, each takes the default config.ts gives it. */
export type CaseJobsConfig = Partial<Pick<Config, 'CASE_FOLLOW_UP_DAYS' | 'STAFF_DIGEST_HOUR' | 'ESCALATION_CRON'>>

/** The scheduled work of case management: escalation of overdue cases, follow-up questions, staff digests. */
export function caseJobs(config: CaseJobsConfig, runtime: { startFlow: StartFlow }): Job[] {
  return [
    escalationJob(config.ESCALATION_CRON),
    followUpJob({ startFlow: runtime.startFlow, days: config.CASE_FOLLOW_UP_DAYS ?? 14 }),
    digestJob(config.STAFF_DIGEST_HOUR),
  ]
}
