import { createHash } from 'node:crypto'
import { and, eq, gt, inArray, isNull } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { staffLinkCodes, staffSubscriptions, units } from '../db/schema/index.js'
import { ForbiddenError, ValidationError } from '../domain-errors.js'
import { type UnitScope, inScope } from '../cases/case-ref.js'
import { newTrackingCode, normalizeTrackingCode } from '../cases/tracking-code.js'

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
  const named = await db.select({ name: units.name }).from(units).where(inArray(units.id, used.unitIds))
  return named.map((unit) => unit.name)
}
