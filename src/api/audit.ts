import { type SQL, and, desc, eq, like, lt } from 'drizzle-orm'
import type { TokenOwner } from '../auth/tokens.js'
import type { DbOrTx } from '../db/client.js'
import { auditLog } from '../db/schema/index.js'
import { ValidationError } from '../domain-errors.js'

/** Who made a write: the token on the request, or a fixed name ('cli', 'system'). */
export type AuditActor = TokenOwner | string

/** The JSON an audit entry may carry: ids, field names, directory values. Never personal data. */
export type AuditDetails = { [key: string]: string | number | boolean | null | string[] | undefined }

export type AuditInput = {
  actor: AuditActor
  /** e.g. 'create', 'update', 'close', 'replace', 'revoke', 'transition' */
  action: string
  /** e.g. 'institution', 'unit', 'rule', 'token', 'case' */
  entity: string
  entityId: string
  details?: AuditDetails
  at?: Date
}

/** How an actor is written in the audit log and in case events: `token:<name>`. */
export function actorName(actor: AuditActor): string {
  return typeof actor === 'string' ? actor : `token:${actor.name}`
}

/** Records one admin write; call it inside the write's transaction so both land or neither. */
export async function recordAudit(tx: DbOrTx, input: AuditInput): Promise<void> {
  await tx.insert(auditLog).values({
    actor: actorName(input.actor),
    actorTokenId: typeof input.actor === 'string' ? null : input.actor.id,
    action: input.action,
    entity: input.entity,
    entityId: input.entityId,
    details: input.details ?? null,
    ...(input.at ? { at: input.at } : {}),
  })
}

export type AuditEntry = {
  id: number
  at: Date
  actor: string
  actorTokenId: string | null
  action: string
  entity: string
  entityId: string
  details: unknown
}

export type AuditPage = { items: AuditEntry[]; nextCursor: string | null }

export type ListAuditOptions = { entity?: string; entityId?: string; actor?: string; cursor?: string; limit?: number }

/** Audit entries newest first, a page at a time; follow `nextCursor` until it is null. */
export async function listAudit(db: DbOrTx, options: ListAuditOptions = {}): Promise<AuditPage> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 50), 1), 200)
  const conditions: SQL[] = []
  if (options.entity) conditions.push(eq(auditLog.entity, options.entity))
  if (options.entityId) conditions.push(eq(auditLog.entityId, options.entityId))
  // a prefix: `token:Ana` finds `token:Ana López`, `staff:` every staff chat action
  if (options.actor) conditions.push(like(auditLog.actor, `${options.actor.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`))
  // The id grows with every entry, so it orders them and makes a stable cursor by itself.
  if (options.cursor !== undefined) {
    if (!/^\d{1,18}$/.test(options.cursor)) throw new ValidationError('invalid cursor: pass the nextCursor of a previous page unchanged')
    conditions.push(lt(auditLog.id, Number(options.cursor)))
  }
  const rows = await db
    .select()
    .from(auditLog)
    .where(and(...conditions))
    .orderBy(desc(auditLog.id))
    .limit(limit + 1)
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return { items, nextCursor: rows.length > limit && last ? String(last.id) : null }
}
