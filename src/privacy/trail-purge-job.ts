import { and, isNotNull, isNull, lt } from 'drizzle-orm'
import type { Tx } from '../db/client.js'
import { media, replyReplays, webchatMessages } from '../db/schema/index.js'
import type { Job } from '../jobs/run-job-once.js'
import { purgeLookupCounts } from './lookup-limit.js'

const MINUTE_MS = 60_000

export type TrailPurgeOptions = {
  /** minutes a sealed web chat reply is kept for a retried request (INLINE_REPLAY_MINUTES) */
  replayMinutes: number
  /** hours a file linked to no case is kept (UNLINKED_MEDIA_HOURS) */
  unlinkedMediaHours: number
}

export type TrailCounts = { replays: number; webchat: number; media: number; lookups: number }

/**
 * Deletes what only a conversation in progress needs, within minutes or hours rather than the
 * retention period: sealed replies of the web chat past their retry window, web chat messages the
 * page already fetched, attachments of complaints never filed, and past hours' lookup counts.
 */
export async function purgeTrail(tx: Tx, now: Date, options: TrailPurgeOptions): Promise<TrailCounts> {
  const replayBefore = new Date(now.getTime() - options.replayMinutes * MINUTE_MS)
  const mediaBefore = new Date(now.getTime() - options.unlinkedMediaHours * 60 * MINUTE_MS)
  const replays = await tx.delete(replyReplays).where(lt(replyReplays.createdAt, replayBefore)).returning({ id: replyReplays.inboundId })
  const webchat = await tx
    .delete(webchatMessages)
    .where(and(isNotNull(webchatMessages.fetchedAt), lt(webchatMessages.fetchedAt, replayBefore)))
    .returning({ id: webchatMessages.id })
  const files = await tx.delete(media).where(and(isNull(media.caseId), lt(media.createdAt, mediaBefore))).returning({ id: media.id })
  const lookups = await purgeLookupCounts(tx, now)
  return { replays: replays.length, webchat: webchat.length, media: files.length, lookups }
}

/** Runs the purge every five minutes. */
export function createTrailPurgeJob(options: TrailPurgeOptions): Job {
  return { name: 'privacy.trail', cron: '*/5 * * * *', run: async (tx, slot) => void (await purgeTrail(tx, slot, options)) }
}
