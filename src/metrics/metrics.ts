import { and, count, eq, inArray, isNull, lte, min } from 'drizzle-orm'
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { ChannelKind, InboundHandler } from '../bot/channel.js'
import type { DeliveryEvent } from '../bot/outbox.js'
import { OPEN_STATUSES } from '../cases/case-transitions.js'
import type { DbOrTx } from '../db/client.js'
import { cases, outbox } from '../db/schema/index.js'

/** The outbox states worth a gauge: those still to go or given up; sent rows only grow. */
const WAITING_STATES = ['pending', 'held', 'failed'] as const

export type MetricsOptions = {
  db: DbOrTx
  /** channels whose replies go back inside the request (web chat): their replies count as sent there */
  inlineChannels?: ReadonlySet<ChannelKind>
  now?: () => Date
}

export type Metrics = {
  registry: Registry
  /** the same handler, counting each message and timing it */
  instrument: (handle: InboundHandler) => InboundHandler
  /** for the outbox worker's `onDelivery` */
  onDelivery: (event: DeliveryEvent) => void
}

/**
 * The app's Prometheus metrics, in a registry of its own. Labels name channels, kinds, states
 * and reason classes only: never a contact, an address or a text. Outbox and case figures are
 * read from the database at each scrape, so every instance reports the same whole.
 */
export function createMetrics(options: MetricsOptions): Metrics {
  const now = options.now ?? (() => new Date())
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })
  const { db } = options

  const inbound = new Counter({
    name: 'dialogo_inbound_messages_total',
    help: 'Messages received from citizens and staff, by channel and result (handled, duplicate, failed).',
    labelNames: ['channel', 'result'] as const,
    registers: [registry],
  })
  const outbound = new Counter({
    name: 'dialogo_outbound_messages_total',
    help: 'Messages sent, by channel and kind (reply, flow, notice, alert, digest, poll).',
    labelNames: ['channel', 'kind'] as const,
    registers: [registry],
  })
  const processing = new Histogram({
    name: 'dialogo_message_processing_seconds',
    help: 'Time from a message reaching the runtime to its transaction committing, by channel.',
    labelNames: ['channel'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  const deliveryDelay = new Histogram({
    name: 'dialogo_outbox_delivery_delay_seconds',
    help: 'Time from a message being queued to the platform taking it, by channel.',
    labelNames: ['channel'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 3600],
    registers: [registry],
  })
  const failures = new Counter({
    name: 'dialogo_delivery_failures_total',
    help: 'Failed delivery attempts, by channel, reason class and whether the message was given up (final) or will be retried.',
    labelNames: ['channel', 'reason', 'final'] as const,
    registers: [registry],
  })
  const held = new Counter({
    name: 'dialogo_outbox_held_total',
    help: 'Messages held until the contact writes again (WhatsApp 24-hour window), by channel.',
    labelNames: ['channel'] as const,
    registers: [registry],
  })

  new Gauge({
    name: 'dialogo_outbox_messages',
    help: 'Outbox messages by state: pending (to send), held (waiting for the contact), failed (given up).',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      const rows = await db.select({ state: outbox.status, n: count() }).from(outbox).where(inArray(outbox.status, [...WAITING_STATES])).groupBy(outbox.status)
      for (const state of WAITING_STATES) this.set({ state }, rows.find((row) => row.state === state)?.n ?? 0)
    },
  })
  new Gauge({
    name: 'dialogo_outbox_oldest_pending_age_seconds',
    help: 'Age of the oldest message still pending (0 when none).',
    registers: [registry],
    async collect() {
      const [row] = await db.select({ oldest: min(outbox.createdAt) }).from(outbox).where(eq(outbox.status, 'pending'))
      const oldest = row?.oldest ? new Date(row.oldest) : null
      this.set(oldest ? Math.max(0, (now().getTime() - oldest.getTime()) / 1000) : 0)
    },
  })
  new Gauge({
    name: 'dialogo_cases_open',
    help: 'Cases not yet resolved or rejected.',
    registers: [registry],
    async collect() {
      const [row] = await db.select({ n: count() }).from(cases).where(inArray(cases.status, [...OPEN_STATUSES]))
      this.set(row?.n ?? 0)
    },
  })
  new Gauge({
    name: 'dialogo_cases_overdue',
    help: 'Open cases past a deadline: resolution (due date passed, as the admin list counts overdue) or first_response (not acted on in time).',
    labelNames: ['clock'] as const,
    registers: [registry],
    async collect() {
      const at = now()
      const open = inArray(cases.status, [...OPEN_STATUSES])
      const [resolution] = await db.select({ n: count() }).from(cases).where(and(open, lte(cases.dueAt, at)))
      const [firstResponse] = await db.select({ n: count() }).from(cases).where(and(open, isNull(cases.respondedAt), lte(cases.responseDueAt, at)))
      this.set({ clock: 'resolution' }, resolution?.n ?? 0)
      this.set({ clock: 'first_response' }, firstResponse?.n ?? 0)
    },
  })

  return {
    registry,
    instrument: (handle) => async (message) => {
      const stop = processing.startTimer({ channel: message.channel })
      try {
        const result = await handle(message)
        inbound.inc({ channel: message.channel, result: result.duplicate ? 'duplicate' : 'handled' })
        if (!result.duplicate && options.inlineChannels?.has(message.channel)) outbound.inc({ channel: message.channel, kind: 'reply' }, result.replies.length)
        return result
      } catch (error) {
        inbound.inc({ channel: message.channel, result: 'failed' })
        throw error
      } finally {
        stop()
      }
    },
    onDelivery: (event) => {
      switch (event.outcome) {
        case 'sent':
          outbound.inc({ channel: event.channel, kind: event.kind })
          if (event.waitedMs !== undefined) deliveryDelay.observe({ channel: event.channel }, event.waitedMs / 1000)
          return
        case 'held':
          held.inc({ channel: event.channel })
          return
        case 'retry':
        case 'failed':
          failures.inc({ channel: event.channel, reason: event.failure ?? 'other', final: String(event.outcome === 'failed') })
          return
        default: {
          const unknown: never = event.outcome
          throw new Error(`unknown delivery outcome ${String(unknown)}`)
        }
      }
    },
  }
}
