import { and, eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { type OutboxKind, outbox } from '../db/schema/index.js'
import { CHANNEL_KINDS, type ChannelKind } from './channel.js'
import type { Reply } from './engine/types.js'

export { OUTBOX_KINDS, OUTBOX_STATUSES, type OutboxKind, type OutboxStatus } from '../db/schema/index.js'
export { backoffMs, createOutboxWorker, type DeliveryEvent, type OutboxWorker, type OutboxWorkerOptions } from './outbox-worker.js'

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

/** Adds a parameter to a statement being written and gives its placeholder (`$3`). */
export type AddParameter = (value: unknown) => string

/**
 * The same rows `enqueue` writes, as one part (`name as (insert …)`) of a caller's single
 * statement, written out with placeholders from `add`: the runtime's save of a turn, whose session
 * update, inbound record and replies commit together without a transaction of their own.
 * Inserted only where `when` (a condition on the statement's other parts) holds; no messages, no part.
 */
export function enqueuePart(name: string, messages: readonly OutboxMessage[], when: string, add: AddParameter): string | null {
  if (messages.length === 0) return null
  const rows = messages.map(
    (message) =>
      `(${add(message.channel)}, ${add(message.address)}, ${add(message.contactId ?? null)}::uuid, ${add(message.inboundId ?? null)}::uuid, ` +
      `${add(message.caseId ?? null)}::uuid, ${add(message.locale)}, ${add(message.kind)}, ${add(JSON.stringify(message.reply))}::jsonb, ` +
      `${add(message.eraseOnSend ?? false)}::boolean, coalesce(${add(message.notBefore?.toISOString() ?? null)}::timestamptz, now()))`,
  )
  return `${name} as (insert into outbox (channel, address, contact_id, inbound_id, case_id, locale, kind, body, erase_on_send, next_attempt_at)
    select * from (values ${rows.join(', ')}) as queued where ${when})`
}

/**
 * The contact wrote again, so the platform takes messages again (WhatsApp's 24-hour window):
 * their held messages become due now. Called before their message is handled, so these older
 * messages keep their place ahead of the answers to it. Returns how many were released.
 */
export async function releaseHeld(db: DbOrTx, channel: ChannelKind, address: string, at: Date): Promise<number> {
  const released = await db
    .update(outbox)
    .set({ status: 'pending', nextAttemptAt: at, lastError: null })
    .where(and(eq(outbox.channel, channel), eq(outbox.address, address), eq(outbox.status, 'held')))
    .returning({ id: outbox.id })
  return released.length
}
