import { index, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { contacts } from './contacts.js'
import { apiTokens } from './tokens.js'

export const OFFICE_SESSION_KINDS = ['token', 'staff'] as const
export type OfficeSessionKind = (typeof OFFICE_SESSION_KINDS)[number]

/**
 * A one-time code a linked staff chat gets by sending `oficina`, spent to open a back-office
 * session. Only a SHA-256 of the code is kept: a leaked database opens no session.
 */
export const officeSignInCodes = pgTable(
  'office_sign_in_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    codeHash: text('code_hash').notNull().unique(),
    contactId: uuid('contact_id')
      .notNull()
      .references(() => contacts.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('office_sign_in_codes_contact_idx').on(t.contactId)],
)

/**
 * A signed-in back-office browser. The cookie holds a random secret; the row holds only its
 * SHA-256. A session stands for the API token or the staff chat it was opened with, whose scope
 * is read again on every request (a revoked token or an unlinked chat loses the office at once).
 */
export const officeSessions = pgTable(
  'office_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    secretHash: text('secret_hash').notNull().unique(),
    kind: text('kind', { enum: OFFICE_SESSION_KINDS }).notNull(),
    tokenId: uuid('token_id').references(() => apiTokens.id, { onDelete: 'cascade' }),
    contactId: uuid('contact_id').references(() => contacts.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    /** the absolute end, however active the session is */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** signed out */
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [index('office_sessions_expires_idx').on(t.expiresAt)],
)
