import { sql } from 'drizzle-orm'
import { bigserial, boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { cases } from './cases.js'
import { contacts } from './contacts.js'

/**
 * Every inbound message we handled, unique per (channel, external id), so a redelivered webhook or
 * a retried update is recognised. The message text itself is not kept here.
 */
export const inboundMessages = pgTable(
  'inbound_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    channel: text('channel').notNull(),
    externalId: text('external_id').notNull(),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'set null' }),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('inbound_channel_external_uq').on(t.channel, t.externalId)],
)

/**
 * `pending`: to be sent when due; `held`: the platform will not take it until the contact writes
 * again (WhatsApp's 24-hour window), released to pending then; `sent`; `failed`: for good.
 */
export const OUTBOX_STATUSES = ['pending', 'held', 'sent', 'failed'] as const
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number]

/**
 * Why a message is sent: `reply` to what the contact wrote, `flow` a conversation the system
 * opened (a poll invitation, a follow-up question), `notice` a case update to the citizen,
 * `alert` and `digest` to staff, `poll` a poll's results to its table.
 */
export const OUTBOX_KINDS = ['reply', 'flow', 'notice', 'alert', 'digest', 'poll'] as const
export type OutboxKind = (typeof OUTBOX_KINDS)[number]

/** Messages waiting to be delivered (or delivered), in the order they were written. */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    channel: text('channel').notNull(),
    /** where to deliver on that channel (chat id, phone, web conversation id) */
    address: text('address').notNull(),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    /** the inbound message this answers, so a repeated request can be answered again */
    inboundId: uuid('inbound_id').references(() => inboundMessages.id, { onDelete: 'set null' }),
    /**
     * the Reply to render: text, choices, expects; emptied (null) once delivered or failed for
     * good, so a sent tracking code or summary does not stay next to the address
     */
    body: jsonb('body'),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull().default('pending'),
    kind: text('kind', { enum: OUTBOX_KINDS }).notNull().default('reply'),
    /** the language of the contact when it was written, so adapters need not look the contact up */
    locale: text('locale').notNull().default('es'),
    /** the case a notice or alert is about, for the delivery view; never shown with the address */
    caseId: uuid('case_id').references(() => cases.id, { onDelete: 'set null' }),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    lastError: text('last_error'),
    externalId: text('external_id'),
    /** what the platform reported after we sent it (WhatsApp Cloud: sent, delivered, read, failed) */
    deliveryStatus: text('delivery_status'),
    deliveryStatusAt: timestamp('delivery_status_at', { withTimezone: true }),
    /** the goodbye to a contact that asked to be forgotten: deleted once delivered, address and all */
    eraseOnSend: boolean('erase_on_send').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    index('outbox_due_idx').on(t.status, t.nextAttemptAt),
    index('outbox_inbound_idx').on(t.inboundId),
    index('outbox_external_idx').on(t.channel, t.externalId),
    // the rows still to go, per address: ordering, releasing held rows, the oldest waiting
    index('outbox_waiting_address_idx').on(t.channel, t.address, t.id).where(sql`${t.status} in ('pending', 'held')`),
    index('outbox_waiting_created_idx').on(t.status, t.createdAt).where(sql`${t.status} in ('pending', 'held')`),
  ],
)

/**
 * Messages delivered to a web chat conversation, waiting for the page to fetch them. Kept in the
 * database so that any app instance can answer the page's poll.
 */
export const webchatMessages = pgTable(
  'webchat_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    conversationId: text('conversation_id').notNull(),
    body: jsonb('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    fetchedAt: timestamp('fetched_at', { withTimezone: true }),
  },
  (t) => [index('webchat_conversation_idx').on(t.conversationId, t.fetchedAt)],
)
