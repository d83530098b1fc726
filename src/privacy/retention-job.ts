import { and, inArray, isNotNull, lt, sql } from 'drizzle-orm'
import { CLOSED_STATUSES } from '../cases/case-transitions.js'
import type { Tx } from '../db/client.js'
import { cases, inboundMessages, media, outbox, webchatMessages } from '../db/schema/index.js'
import type { Job } from '../jobs/run-job-once.js'

const DAY_MS = 86_400_000

export type RetentionCounts = { media: number; outbox: number; webchat: number; inbound: number }

/**
 * Deletes what is only needed while a conversation or a case is alive, once `days` have passed:
 * evidence of closed cases and files never attached to a case, delivered messages (their text
 * may quote the complaint or carry a tracking code), web chat messages already fetched, and the
 * dedupe records of inbound messages. Cases and their events stay for statistics.
 */
export async function purgeExpired(tx: Tx, now: Date, days: number): Promise<RetentionCounts> {
  const before = new Date(now.getTime() - days * DAY_MS)
  const closedCases = tx
    .select({ id: cases.id })
    .from(cases)
    .where(and(inArray(cases.status, [...CLOSED_STATUSES]), lt(cases.updatedAt, before)))
  const mediaRows = await tx
    .delete(media)
    .where(
      and(
        lt(media.createdAt, before),
        sql`(${media.caseId} is null or ${media.caseId} in ${closedCases})`,
      ),
    )
    .returning({ id: media.id })
  const outboxRows = await tx
    .delete(outbox)
    .where(and(inArray(outbox.status, ['sent', 'failed']), lt(outbox.createdAt, before)))
    .returning({ id: outbox.id })
  const webchatRows = await tx
    .delete(webchatMessages)
    .where(and(isNotNull(webchatMessages.fetchedAt), lt(webchatMessages.createdAt, before)))
    .returning({ id: webchatMessages.id })
  const inboundRows = await tx.delete(inboundMessages).where(lt(inboundMessages.receivedAt, before)).returning({ id: inboundMessages.id })
  return { media: mediaRows.length, outbox: outboxRows.length, webchat: webchatRows.length, inbound: inboundRows.length }
}

/** The nightly retention job (03:30, America/Guatemala). */
export function createRetentionJob(days: number): Job {
  return { name: 'privacy.retention', cron: '30 3 * * *', run: async (tx, slot) => void (await purgeExpired(tx, slot, days)) }
}
