import type { Translate } from '../bot/engine/index.js'
import type { Job } from '../jobs/run-job-once.js'
import { closeDuePolls, sendResults } from './close-polls.js'
import { openDuePolls } from './open-polls.js'
import type { Pacing } from './pacing.js'
import { sendInvitations, sendReminders, type StartFlow } from './send-invitations.js'

/** Pacing from the running channels' rates: a minute between runs, at most 2,000 messages per run. */
export function pollPacing(channels: ReadonlyMap<string, { ratePerSecond: number }>): Pacing {
  return { rates: new Map([...channels].map(([kind, channel]) => [kind, channel.ratePerSecond])), windowSeconds: 60, maxPerRun: 2_000 }
}

export type PollJobDeps = {
  startFlow: StartFlow
  t: Translate
  pacing: Pacing
  now?: () => Date
  /** the small-cell threshold published results keep to (STATS_MIN_CELL) */
  minCell?: number
}

// The jobs look at state (due polls, invitations not yet sent), so a missed minute is caught up.
const EVERY_MINUTE = '* * * * *'

/**
 * The poll jobs: open due polls and invite (paced), remind before closing, close and send the
 * results. Each runs every minute, once across instances; work beyond a run's budget waits for
 * the next. `now` is the app's clock (the slot is only the schedule's minute).
 */
export function pollJobs(deps: PollJobDeps): Job[] {
  const now = deps.now ?? (() => new Date())
  return [
    {
      name: 'polls.invite',
      cron: EVERY_MINUTE,
      run: async (tx) => {
        const at = now()
        await openDuePolls(tx, at)
        await sendInvitations(tx, { now: at, startFlow: deps.startFlow, pacing: deps.pacing })
      },
    },
    {
      name: 'polls.remind',
      cron: EVERY_MINUTE,
      run: async (tx) => {
        await sendReminders(tx, { now: now(), startFlow: deps.startFlow, pacing: deps.pacing })
      },
    },
    {
      name: 'polls.close',
      cron: EVERY_MINUTE,
      run: async (tx) => {
        const at = now()
        await closeDuePolls(tx, at)
        await sendResults(tx, { now: at, t: deps.t, pacing: deps.pacing, minCell: deps.minCell })
      },
    },
  ]
}
