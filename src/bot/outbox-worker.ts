import { and, asc, eq, gt, inArray, lt, lte, notExists, sql } from 'drizzle-orm'
import { alias } from 'drizzle-orm/pg-core'
import type { Db } from '../db/client.js'
import { type OutboxKind, outbox } from '../db/schema/index.js'
import type { Logger } from '../log.js'
import type { Channel, ChannelKind, DeliveryFailure, DeliveryResult } from './channel.js'
import { ReplySchema } from './reply-schema.js'

/** What became of one delivery attempt: for metrics; no address, no text. */
export type DeliveryEvent = {
  channel: ChannelKind
  kind: OutboxKind
  outcome: 'sent' | 'held' | 'retry' | 'failed'
  failure?: DeliveryFailure
  /** for a sent message: from being written to being sent */
  waitedMs?: number
}

export type OutboxWorkerOptions = {
  db: Db
  channels: ReadonlyMap<ChannelKind, Channel>
  logger: Logger
  pollMs: number
  batchSize?: number
  /** addresses delivered to at the same time (each address in order); 8 by default */
  lanes?: number
  /**
   * a send that has not answered after this long counts as a timeout and is retried (60 s by
   * default); adapters bound their own calls more tightly, this is the net beneath them
   */
  sendTimeoutMs?: number
  onDelivery?: (event: DeliveryEvent) => void
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

type Row = typeof outbox.$inferSelect

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

/** Runs `work` over `items` with at most `limit` at a time. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  const runner = async () => {
    while (next < items.length) {
      const item = items[next++]
      if (item !== undefined) await work(item)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, runner))
}

/**
 * Delivers outbox rows through their channel adapters, in order per address, paced per channel,
 * retried with backoff (or when the platform says), several addresses at a time so one slow or
 * failing contact holds nobody else up. Nothing is dropped: rows for a channel not running here
 * stay pending, a row the platform will take only after the contact writes is held, and only a
 * failure the channel calls permanent marks a row failed.
 */
export function createOutboxWorker(options: OutboxWorkerOptions): OutboxWorker {
  const now = options.now ?? (() => new Date())
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)))
  const pace = createPacer(() => now().getTime(), sleep)
  const sendTimeoutMs = options.sendTimeoutMs ?? 60_000
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
        .set({ nextAttemptAt: new Date(at.getTime() + CLAIM_MS), lastAttemptAt: at, attempts: sql`${outbox.attempts} + 1` })
        .where(inArray(outbox.id, due.map((row) => row.id)))
        .returning()
    })
  }

  /** Gives a claimed row back untried, due now: a later message waits for an earlier one. */
  const putBack = (row: Row) => options.db.update(outbox).set({ nextAttemptAt: now(), attempts: row.attempts - 1 }).where(eq(outbox.id, row.id))

  async function send(channel: Channel, row: Row): Promise<DeliveryResult> {
    const reply = ReplySchema.parse(row.body)
    let timeout: NodeJS.Timeout | undefined
    const timedOut = new Promise<DeliveryResult>((resolve) => {
      timeout = setTimeout(() => resolve({ ok: false, permanent: false, failure: 'timeout', error: `no answer within ${sendTimeoutMs} ms` }), sendTimeoutMs)
    })
    const sending = channel.send(row.address, reply, { locale: row.locale }).catch(
      (error: unknown): DeliveryResult => ({ ok: false, permanent: false, failure: 'other', error: error instanceof Error ? error.message : String(error) }),
    )
    try {
      return await Promise.race([sending, timedOut])
    } finally {
      clearTimeout(timeout)
    }
  }

  /** Tries one row and records what happened: sent, held (and why), or to wait for a retry. */
  async function deliver(channel: Channel, row: Row): Promise<{ outcome: 'sent' | 'wait' } | { outcome: 'held'; reason: string }> {
    await pace(channel)
    const result = await send(channel, row)
    const event = { channel: channel.kind, kind: row.kind }
    if (result.ok) {
      // the goodbye to someone who asked to be forgotten: keep no trace of where it went
      if (row.eraseOnSend) await options.db.delete(outbox).where(eq(outbox.id, row.id))
      // Delivered: the text (a tracking code, a summary of the complaint) is not kept beside the address,
      // unless the platform may still send it back (then its receipt empties it).
      else {
        await options.db
          .update(outbox)
          .set({ status: 'sent', sentAt: now(), externalId: result.externalId ?? null, lastError: null, ...(result.awaitsReceipt ? {} : { body: null }) })
          .where(eq(outbox.id, row.id))
      }
      options.onDelivery?.({ ...event, outcome: 'sent', waitedMs: Math.max(0, now().getTime() - row.createdAt.getTime()) })
      return { outcome: 'sent' }
    }
    if (result.held === true) {
      await hold(row, result.reason)
      options.onDelivery?.({ ...event, outcome: 'held' })
      return { outcome: 'held', reason: result.reason }
    }
    const status = result.permanent ? ('failed' as const) : ('pending' as const)
    await options.db
      .update(outbox)
      .set({
        status,
        lastError: result.error.slice(0, 500),
        nextAttemptAt: new Date(now().getTime() + (result.retryAfterMs ?? backoffMs(row.attempts))),
        // a message that will never go out keeps no text beside the address
        ...(result.permanent ? { body: null } : {}),
      })
      .where(eq(outbox.id, row.id))
    const failure = result.failure ?? (result.permanent ? 'rejected' : 'other')
    options.onDelivery?.({ ...event, outcome: result.permanent ? 'failed' : 'retry', failure })
    options.logger.warn({ outboxId: row.id, channel: row.channel, kind: row.kind, attempts: row.attempts, status, failure }, 'delivery failed')
    return { outcome: 'wait' }
  }

  const hold = (row: Row, reason: string) =>
    options.db.update(outbox).set({ status: 'held', lastError: reason.slice(0, 500) }).where(eq(outbox.id, row.id))

  /** One address's rows, in order: a failure leaves the rest for later, a hold holds them all. */
  async function deliverLane(lane: readonly Row[]): Promise<number> {
    let sent = 0
    for (const [index, row] of lane.entries()) {
      const channel = channelNamed(row.channel)
      if (!channel) {
        await Promise.all(lane.slice(index).map(putBack))
        return sent
      }
      const done = await deliver(channel, row)
      if (done.outcome === 'sent') {
        sent++
        continue
      }
      const later = lane.slice(index + 1)
      // the platform takes nothing more for this contact until they write: the later rows wait beside it
      if (done.outcome === 'held') await Promise.all(later.map((next) => hold(next, done.reason)))
      else await Promise.all(later.map(putBack))
      return sent
    }
    return sent
  }

  async function runOnce(): Promise<number> {
    const lanes = new Map<string, Row[]>()
    for (const row of (await claim()).sort((a, b) => a.id - b.id)) {
      const key = `${row.channel}\u0000${row.address}`
      const lane = lanes.get(key)
      if (lane) lane.push(row)
      else lanes.set(key, [row])
    }
    let sent = 0
    await eachLimited([...lanes.values()], options.lanes ?? 8, async (lane) => {
      const delivered = await deliverLane(lane)
      sent += delivered
    })
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
