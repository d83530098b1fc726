import { createHash } from 'node:crypto'
import { and, desc, eq, gt, inArray, isNull, sql } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { contacts, staffLinkCodes, staffSubscriptions, units } from '../db/schema/index.js'
import { ForbiddenError, NotFoundError, ValidationError } from '../domain-errors.js'
import { type UnitScope, inScope } from '../cases/case-ref.js'
import { newTrackingCode, normalizeTrackingCode } from '../cases/tracking-code.js'
import { auditStaffAction } from './staff-audit.js'

/** A day: long enough to pass a code on by phone, short enough that a lost one soon goes stale. */
export const DEFAULT_LINK_CODE_MINUTES = 24 * 60

function hashCode(code: string): string {
  return createHash('sha256').update(code).digest('hex')
}

export type LinkCode = { code: string; unitIds: string[]; expiresAt: Date }

/**
 * Creates a one-time code that links a chat to `unitIds` when sent as `vincular CODE`. The code has
 * the shape of a tracking code (easy to read aloud); only its hash is stored.
 */
export async function createLinkCode(
  db: DbOrTx,
  input: { unitIds: string[]; createdBy: string; scope: UnitScope; now: Date; ttlMinutes?: number },
): Promise<LinkCode> {
  const unitIds = [...new Set(input.unitIds)]
  for (const id of unitIds) if (!inScope(input.scope, id)) throw new ForbiddenError(`this token may not link chats to unit ${id}`)
  const found = await db.select({ id: units.id, validTo: units.validTo }).from(units).where(inArray(units.id, unitIds))
  const missing = unitIds.filter((id) => !found.some((unit) => unit.id === id))
  if (missing.length > 0) throw new ValidationError(`unknown units: ${missing.join(', ')}`)
  if (found.some((unit) => unit.validTo !== null && unit.validTo <= input.now)) throw new ValidationError('a closed unit cannot get new staff')
  const code = newTrackingCode()
  const expiresAt = new Date(input.now.getTime() + (input.ttlMinutes ?? DEFAULT_LINK_CODE_MINUTES) * 60_000)
  await db.insert(staffLinkCodes).values({ codeHash: hashCode(code), unitIds, createdBy: input.createdBy, createdAt: input.now, expiresAt })
  return { code, unitIds, expiresAt }
}

/**
 * Spends a link code for a contact: subscribes their chat to the code's units. Null when the code
 * is unknown, used or expired (the chat says so without telling which).
 */
export async function redeemLinkCode(db: DbOrTx, input: { code: string; contactId: string; now: Date }): Promise<string[] | null> {
  const code = normalizeTrackingCode(input.code)
  if (code === null) return null
  const [used] = await db
    .update(staffLinkCodes)
    .set({ usedAt: input.now, usedBy: input.contactId })
    .where(and(eq(staffLinkCodes.codeHash, hashCode(code)), isNull(staffLinkCodes.usedAt), gt(staffLinkCodes.expiresAt, input.now)))
    .returning({ unitIds: staffLinkCodes.unitIds })
  if (!used) return null
  await db
    .insert(staffSubscriptions)
    .values(used.unitIds.map((unitId) => ({ contactId: input.contactId, unitId, createdAt: input.now })))
    .onConflictDoNothing()
  await auditStaffAction(db, { contactId: input.contactId, action: 'link', entity: 'staff-link', entityId: input.contactId, details: { unitIds: used.unitIds }, at: input.now })
  const named = await db.select({ name: units.name }).from(units).where(inArray(units.id, used.unitIds))
  return named.map((unit) => unit.name)
}

/** A staff chat's link to a unit, as the API lists it: never the chat's address. */
export type StaffLink = { contactId: string; channel: string; displayName: string | null; unitId: string; unit: string; createdAt: Date }

/** The staff links of some units (all when `scope` is null), newest first. */
export async function listStaffLinks(db: DbOrTx, scope: UnitScope, unitId?: string): Promise<StaffLink[]> {
  const wanted = unitId !== undefined ? (inScope(scope, unitId) ? [unitId] : []) : scope
  if (wanted !== null && wanted.length === 0) return []
  return db
    .select({
      contactId: staffSubscriptions.contactId,
      channel: contacts.channel,
      displayName: contacts.displayName,
      unitId: staffSubscriptions.unitId,
      unit: units.name,
      createdAt: staffSubscriptions.createdAt,
    })
    .from(staffSubscriptions)
    .innerJoin(contacts, eq(contacts.id, staffSubscriptions.contactId))
    .innerJoin(units, eq(units.id, staffSubscriptions.unitId))
    .where(wanted === null ? undefined : inArray(staffSubscriptions.unitId, [...wanted]))
    .orderBy(desc(staffSubscriptions.createdAt))
}

/**
 * Unlinks a staff chat from units: the ones given, else all within `scope`. Returns the units it
 * was unlinked from; NotFoundError when the chat had no link the caller may remove.
 */
export async function revokeStaffLink(db: DbOrTx, input: { contactId: string; unitId?: string; scope: UnitScope }): Promise<string[]> {
  const conditions = [eq(staffSubscriptions.contactId, input.contactId)]
  if (input.unitId !== undefined) conditions.push(eq(staffSubscriptions.unitId, input.unitId))
  if (input.scope !== null) conditions.push(input.scope.length === 0 ? sql`false` : inArray(staffSubscriptions.unitId, [...input.scope]))
  const removed = await db.delete(staffSubscriptions).where(and(...conditions)).returning({ unitId: staffSubscriptions.unitId })
  if (removed.length === 0) throw new NotFoundError('staff link', input.contactId)
  return removed.map((row) => row.unitId)
}
