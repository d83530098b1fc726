import { date, index, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { contacts } from './contacts.js'
import { units } from './directory.js'

/**
 * A one-time code that links a staff member's chat to units (`vincular CODE`). Only a SHA-256 of
 * the code is kept, like API tokens: a leaked database does not let anyone subscribe to alerts.
 */
export const staffLinkCodes = pgTable('staff_link_codes', {
  id: uuid('id').primaryKey().defaultRandom(),
  codeHash: text('code_hash').notNull().unique(),
  unitIds: uuid('unit_ids').array().notNull(),
  /** `token:<name>` of whoever created it */
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  usedAt: timestamp('used_at', { withTimezone: true }),
  usedBy: uuid('used_by').references(() => contacts.id, { onDelete: 'set null' }),
})

/** A staff member's chat subscribed to a unit's alerts and digest. */
export const staffSubscriptions = pgTable(
  'staff_subscriptions',
  {
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.unitId] }), index('staff_subscriptions_unit_idx').on(t.unitId)],
)

/** The days a staff chat got its digest: at most one a day, however often the job runs. */
export const staffDigestSends = pgTable(
  'staff_digest_sends',
  {
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    /** the calendar day in Guatemala */
    day: date('day', { mode: 'string' }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.contactId, t.day] })],
)
