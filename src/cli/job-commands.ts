import { z } from 'zod'
import type { Scheduler } from '../jobs/scheduler.js'

/** What `npm run cli -- jobs …` asks: the jobs with their last run, or one job run now. */
export const JobCommandSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('list') }),
  z.object({ command: z.literal('run'), name: z.string().min(1, 'name the job to run: npm run cli -- jobs run NAME').max(100) }),
])
export type JobCommand = z.infer<typeof JobCommandSchema>

const JobStatusSchema = z.object({ name: z.string(), cron: z.string(), lastSlot: z.coerce.date().nullable(), finishedAt: z.coerce.date().nullable() })

/** The answer, also as it travels from the running app to the CLI (dates as JSON strings). */
export const JobCommandResultSchema = z.discriminatedUnion('command', [
  z.object({ command: z.literal('list'), jobs: z.array(JobStatusSchema) }),
  z.object({ command: z.literal('run'), name: z.string(), outcome: z.enum(['ran', 'skipped']) }),
])
export type JobCommandResult = z.infer<typeof JobCommandResultSchema>

/** Performs a job command on a scheduler (the running app's, or one the CLI composed itself). */
export async function performJobCommand(scheduler: Scheduler, command: JobCommand): Promise<JobCommandResult> {
  if (command.command === 'list') return { command: 'list', jobs: await scheduler.list() }
  return { command: 'run', name: command.name, outcome: await scheduler.runNow(command.name) }
}
