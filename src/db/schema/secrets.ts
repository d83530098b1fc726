import { customType, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { inboundMessages } from './messages.js'

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (Buffer.isBuffer(value) ? value : Buffer.from(value)),
})

/**
 * Keys the server makes once and keeps across restarts and instances (the web chat's HMAC key).
 * Made at first start; never shown by any API or log.
 */
export const appSecrets = pgTable('app_secrets', {
  name: text('name').primaryKey(),
  value: bytea('value').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
})

/**
 * Hits per key per fixed window (status lookups by conversation and by client address), shared by
 * every app instance. Keys are keyed hashes, never an address or a chat id; old windows are purged.
 */
export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    hits: integer('hits').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] })],
)

/**
 * The replies of an inline channel's message (web chat), kept only so that a retried request gets
 * the same answer, for a few minutes. Sealed with a key derived from the conversation's secret,
 * which the server does not keep: a reader of the database cannot open them.
 */
export const replyReplays = pgTable('reply_replays', {
  inboundId: uuid('inbound_id')
    .primaryKey()
    .references(() => inboundMessages.id, { onDelete: 'cascade' }),
  sealed: bytea('sealed').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
})
