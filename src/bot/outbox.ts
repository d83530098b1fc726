import { and, asc, eq, gt, inArray, lt, lte, notExists, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Db, DbOrTx } from '../db/client.js'
import { type OutboxKind, outbox } from '../db/schema/index.js'
import type { Logger } from '../log.js'
import { CHANNEL_KINDS, type Channel, type ChannelKind } from './channel.js'
import type { Reply } from './engine/types.js'
import { ReplySchema } from './reply-schema.js'

export { OUTBOX_KINDS, OUTBOX_STATUSES, type OutboxKind, type OutboxStatus } from '../db/schema/index.js'

/** One message to deliver. */
export type OutboxMessage = {
  channel: ChannelKind
  /** chat id, phone number or web conversation id: personal data, never logged */
  address: string
  contactId?: string | null
  /** the inbound message this answers, so a repeated request can be answered again */
  inboundId?: string | null
  /** the case a notice or alert is about (the delivery view shows its code, never the address) */
  caseId?: string | null
  /** the language the contact reads, for the adapter (a button label, a template) */
  locale: string
  reply: Reply
  kind: OutboxKind
  /** delete the row, address and all, once delivered (the goodbye to a forgotten contact) */
  eraseOnSend?: boolean
  /** not before this time; by default now by the database's clock */
  notBefore?: Date
}

/** Narrows a stored channel name (contacts keep it as text) to a channel the outbox can deliver on. */
export function isChannelKind(value: string): value is ChannelKind {
  return (CHANNEL_KINDS as readonly string[]).includes(value)
}

/**
 * Queues messages for delivery, in this order, in one insert statement however many there are:
 * the only writer of the outbox. Inside the caller's transaction, so a message exists exactly
 * when what it tells of does; the worker delivers once that commits.
 */
export async function enqueue(tx: DbOrTx, messages: OutboxMessage | readonly OutboxMessage[]): Promise<void> {
  const list: readonly OutboxMessage[] = Array.isArray(messages) ? messages : [messages as OutboxMessage]
  if (list.length === 0) return
  await tx.insert(outbox).values(
    list.map((message) => ({
      channel: message.channel,
      address: message.address,
      contactId: message.contactId ?? null,
      inboundId: message.inboundId ?? null,
      caseId: message.caseId ?? null,
      locale: message.locale,
      kind: message.kind,
      body: message.reply,
      eraseOnSend: message.eraseOnSend ?? false,
      ...(message.notBefore ? { nextAttemptAt: message.notBefore } : {}),
    })),
  )
}

export type OutboxWorkerOptions = {
  db: Db
  channels: ReadonlyMap<ChannelKind, Channel>
  logger: Logger
  pollMs: number
  batchSize?: number
  now?: () => Date
  sleep?: (ms: number) => Promise<void>
}

export type OutboxWorker = {
  /** delivers what is due now; resolves with how many rows were sent */
  runOnce: () => Promise<number>
  start: () => void
  /**
   * new rows were committed: deliver now instead of at the next poll (the poll stays as the
   * fallback for rows other instances or jobs wrote)
   */
  wake: () => void
  stop: () => Promise<void>
}

// A claimed row is hidden this long; if the process dies mid-send it becomes due again.
const CLAIM_MS = 2 * 60_000
const MAX_BACKOFF_MS = 60 * 60_000
const earlier = alias(outbox, 'earlier')

/** Retry delay after the n-th failed attempt: 5 s, 10 s, 20 s … capped at an hour. */
export function backoffMs(attempts: number): number {
  return Math.min(5_000 * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS)
}

/** Spaces sends so that a channel never goes over its messages per second. */
function createPacer(now: () => number, sleep: (ms: number) => Promise<void>) {
  const nextFree = new Map<ChannelKind, number>()
  return async (channel: Channel) => {
    const interval = 1000 / channel.ratePerSecond
    const at = Math.max(now(), nextFree.get(channel.kind) ?? 0)
    nextFree.set(channel.kind, at + interval)
    const wait = at - now()
    if (wait > 0) await sleep(wait)
  }
}

/**
 * Delivers outbox rows through their channel adapters, in order per address, paced per channel,
 * retried with backoff. Nothing is dropped: rows for a channel not running here stay pending, and
 * only a failure the channel calls permanent marks a row failed.
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const now = options.now ?? (() => new Date())
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const pace = createPacer(() => now().getTime(), sleep)
  const sendable = () => [...options.channels.values()].filter((channel) => channel.canSend?.() ?? true).map((channel) => channel.kind)
  const channelNamed = (name: string) => [...options.channels.values()].find((channel) => channel.kind === name)
  let timer: NodeJS.Timeout | undefined
  let running: Promise<number> | undefined

  async function claim() {
    const kinds = sendable()
    if (kinds.length === 0) return []
    const at = now()
    return options.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: outbox.id })
        .from(outbox)
        .where(
          and(
            eq(outbox.status, 'pending'),
            // +1 ms: the database keeps microseconds and the app's clock milliseconds, so a row stamped
            // by the database's now() in this same millisecond would otherwise look a moment early.
            lte(outbox.nextAttemptAt, new Date(at.getTime() + 1)),
            inArray(outbox.channel, kinds),
            // An earlier message to the same address still waiting for its retry goes first.
            notExists(
              tx
                .select({ id: earlier.id })
                .from(earlier)
                .where(
                  and(
                    eq(earlier.channel, outbox.channel),
                    eq(earlier.address, outbox.address),
                    eq(earlier.status, 'pending'),
                    lt(earlier.id, outbox.id),
                    gt(earlier.nextAttemptAt, at),
                  ),
                ),
            ),
          ),
        )
        .orderBy(asc(outbox.id))
        .limit(options.batchSize ?? 100)
        .for('update', { skipLocked: true })
      if (due.length === 0) return []
      return tx
        .update(outbox)
        .set({ nextAttemptAt: new Date(at.getTime() + CLAIM_MS), attempts: sql`${outbox.attempts} + 1` })
        .where(inArray(outbox.id, due.map((row) => row.id)))
        .returning()
    })
  }

  async function runOnce(): Promise<number> {
    const rows = (await claim()).sort((a, b) => a.id - b.id)
    const blocked = new Set<string>()
    let sent = 0
    for (const row of rows) {
      const key = `${row.channel}\u0000${row.address}`
      const channel = channelNamed(row.channel)
      if (!channel || blocked.has(key)) {
        // Keep order per address: a later message waits for the earlier one to go first.
        await options.db.update(outbox).set({ nextAttemptAt: now(), attempts: row.attempts - 1 }).where(eq(outbox.id, row.id))
        continue
      }
      await pace(channel)
      const reply = ReplySchema.parse(row.body)
      const result = await channel.send(row.address, reply).catch((error: unknown) => ({
        ok: false as const,
        permanent: false,
        error: error instanceof Error ? error.message : String(error),
      }))
      if (result.ok) {
        sent++
        // Delivered: the text (a tracking code, a summary of the complaint) is not kept beside the address.
        // the goodbye to someone who asked to be forgotten: keep no trace of where it went
        if (row.eraseOnSend) {
          await options.db.delete(outbox).where(eq(outbox.id, row.id))
          continue
        }
        await options.db
          .update(outbox)
          .set({ status: 'sent', sentAt: now(), externalId: result.externalId ?? null, lastError: null, body: null })
          .where(eq(outbox.id, row.id))
        continue
      }
      blocked.add(key)
      const status = result.permanent ? ('failed' as const) : ('pending' as const)
      await options.db
        .update(outbox)
        .set({
          status,
          lastError: result.error.slice(0, 500),
          nextAttemptAt: new Date(now().getTime() + backoffMs(row.attempts)),
          // a message that will never go out keeps no text beside the address
          ...(result.permanent ? { body: null } : {}),
        })
        .where(eq(outbox.id, row.id))
      options.logger.warn({ outboxId: row.id, channel: row.channel, attempts: row.attempts, status }, 'delivery failed')
    }
    return sent
  }

  let woken = false

  function schedule(delay = options.pollMs) {
    timer = setTimeout(() => {
      woken = false
      running = runOnce()
        .catch((error: unknown) => {
          options.logger.error({ err: error }, 'outbox run failed')
          return 0
        })
        .finally(() => {
          running = undefined
          // rows committed during the run go out at once, not a poll later
          if (timer) schedule(woken ? 0 : options.pollMs)
        })
    }, delay)
  }

  return {
    runOnce,
    start: () => {
      if (!timer) schedule()
    },
    wake: () => {
      if (!timer) return
      if (running) {
        woken = true
        return
      }
      clearTimeout(timer)
      schedule(0)
    },
    stop: async () => {
      if (timer) clearTimeout(timer)
      timer = undefined
      await running
    },
  }
}
