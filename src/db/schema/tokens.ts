import { pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

export const ROLES = ['admin', 'institution', 'observatory', 'partner', 'facilitator'] as const
export type Role = (typeof ROLES)[number]

/** Admin API tokens; only a SHA-256 of the secret is kept. */
export const apiTokens = pgTable('api_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  role: text('role', { enum: ROLES }).notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  /** for the institution role: the units whose cases this token may see and work */
  unitIds: uuid('unit_ids').array().notNull().default([]),
  /** for the facilitator role: the poll groups (mesas) whose polls this token may create, run and read */
  groupIds: uuid('group_ids').array().notNull().default([]),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
  revokedAt: timestamp('revoked_at', { withTimezone: true }),
})
