import { and, desc, eq, lt, type SQL } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { cases, type OutboxKind, type OutboxStatus, outbox } from '../db/schema/index.js'
import { ValidationError } from '../domain-errors.js'
import { redactPii } from '../privacy/redact-pii.js'
import type { ChannelKind } from './channel.js'

export type DeliveryFilter = { status?: OutboxStatus; channel?: ChannelKind; kind?: OutboxKind; cursor?: string; limit?: number }

/** One outbox row as an operator sees it: what, how far, why; never the text or the address. */
export type Delivery = {
  id: number
  channel: string
  kind: OutboxKind
  status: OutboxStatus
  attempts: number
  /** the platform's reason for the last failure or hold, contact data masked */
  reason: string | null
  /** what the platform reported after sending (WhatsApp Cloud: delivered, read, failed) */
  platformStatus: string | null
  caseCode: string | null
  createdAt: string
  lastAttemptAt: string | null
  nextAttemptAt: string | null
  sentAt: string | null
}

/** Outbox rows newest first, filtered by state, channel and kind; follow `nextCursor` for more. */
export async function listDeliveries(db: DbOrTx, filter: DeliveryFilter = {}): Promise<{ items: Delivery[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(Math.trunc(filter.limit ?? 50), 1), 200)
  const conditions: SQL[] = []
  if (filter.status) conditions.push(eq(outbox.status, filter.status))
  if (filter.channel) conditions.push(eq(outbox.channel, filter.channel))
  if (filter.kind) conditions.push(eq(outbox.kind, filter.kind))
  if (filter.cursor !== undefined) {
    if (!/^\d{1,18}$/.test(filter.cursor)) throw new ValidationError('invalid cursor: pass the nextCursor of a previous page unchanged')
    conditions.push(lt(outbox.id, Number(filter.cursor)))
  }
  const rows = await db
    .select({
      id: outbox.id,
      channel: outbox.channel,
      kind: outbox.kind,
      status: outbox.status,
      attempts: outbox.attempts,
      lastError: outbox.lastError,
      deliveryStatus: outbox.deliveryStatus,
      caseCode: cases.code,
      createdAt: outbox.createdAt,
      lastAttemptAt: outbox.lastAttemptAt,
      nextAttemptAt: outbox.nextAttemptAt,
      sentAt: outbox.sentAt,
    })
    .from(outbox)
    .leftJoin(cases, eq(cases.id, outbox.caseId))
    .where(and(...conditions))
    .orderBy(desc(outbox.id))
    .limit(limit + 1)
  const items = rows.slice(0, limit).map(
    (row): Delivery => ({
      id: row.id,
      channel: row.channel,
      kind: row.kind,
      status: row.status,
      attempts: row.attempts,
      reason: row.lastError === null ? null : redactPii(row.lastError),
      platformStatus: row.deliveryStatus,
      caseCode: row.caseCode,
      createdAt: row.createdAt.toISOString(),
      lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
      // only a row still to go has a next attempt
      nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
      sentAt: row.sentAt?.toISOString() ?? null,
    }),
  )
  const last = items.at(-1)
  return { items, nextCursor: rows.length > limit && last ? String(last.id) : null }
}
