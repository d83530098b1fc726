import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/**
 * Every write made through the admin API: who (a token), what (action on an entity), when.
 * `details` holds ids and changed field names or values of directory data, never personal data.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    /** `token:<name>`, or 'cli' / 'system' for writes made outside a token */
    actor: text('actor').notNull(),
    /** the token that made the write, when one did (kept even after it is revoked) */
    actorTokenId: uuid('actor_token_id'),
    /** e.g. 'create', 'update', 'close', 'replace', 'revoke' */
    action: text('action').notNull(),
    /** e.g. 'unit', 'rule', 'token', 'case' */
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    details: jsonb('details'),
  },
  (t) => [index('audit_log_entity_idx').on(t.entity, t.entityId), index('audit_log_actor_idx').on(t.actor)],
)
