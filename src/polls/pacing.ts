import { and, count, eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { outbox } from '../db/schema/index.js'

/**
 * How fast poll messages may be queued. The outbox sends in order, so 100,000 invitations queued
 * at once would hold every citizen's reply behind them for an hour: instead each run queues only
 * what the channel can deliver before the next run, minus what is already waiting.
 */
export type Pacing = {
  /** messages per second of each running channel (its `ratePerSecond`) */
  rates: ReadonlyMap<string, number>
  /** seconds between two runs of the jobs (they run every minute) */
  windowSeconds: number
  /** at most this many messages per channel and run, so one run's transaction stays short */
  maxPerRun: number
}

/** A channel no instance here runs is assumed slow; the instance that runs it delivers. */
const UNKNOWN_CHANNEL_RATE = 1

/**
 * Messages this run may add to the outbox for a channel. Messages held for a WhatsApp member to
 * open the 24-hour window (no template configured) are not counted: they are not in the
 * channel's way, and counting them let a few hundred absent members stop every invitation.
 */
export async function messageBudget(db: DbOrTx, pacing: Pacing, channel: string): Promise<number> {
  const [waiting] = await db
    .select({ n: count() })
    .from(outbox)
    .where(and(eq(outbox.channel, channel), eq(outbox.status, 'pending')))
  const capacity = Math.floor((pacing.rates.get(channel) ?? UNKNOWN_CHANNEL_RATE) * pacing.windowSeconds)
  return Math.max(0, Math.min(capacity - (waiting?.n ?? 0), pacing.maxPerRun))
}
