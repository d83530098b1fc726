import { pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * Baileys' login (creds) and Signal keys for a linked WhatsApp number, one row per key, values
 * serialised with Baileys' own BufferJSON. In the database rather than in files so that whichever
 * instance holds the number's lease can open the socket.
 */
export const whatsappAuthKeys = pgTable(
  'whatsapp_auth_keys',
  {
    account: text('account').notNull(),
    /** `creds`, or a Signal key type (`pre-key`, `session`, `app-state-sync-key` …) */
    category: text('category').notNull(),
    keyId: text('key_id').notNull(),
    value: text('value').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.account, t.category, t.keyId] })],
)

/**
 * Who holds a resource only one instance may use at a time (a Baileys socket per number):
 * renewed while the holder lives, taken over by another instance once it has expired.
 */
export const channelLeases = pgTable('channel_leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
})
