import { and, eq, gt, isNull, or, sql } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { apiTokens, routingRules, staffSubscriptions, units } from '../db/schema/index.js'
import { moveOpenCases } from '../cases/move-open-cases.js'
import { DomainError, NotFoundError, ValidationError } from '../domain-errors.js'
import { type Unit, findUnit, isClosed } from './unit-checks.js'

export type ReplaceUnitInput = {
  code: string
  name: string
  /** when the successor takes over and the old unit closes; now when left out */
  validFrom?: Date
  /** also hand the old unit's open cases to the successor */
  moveOpenCases?: boolean
  /** link the old unit's staff chats to the successor too (default true), so its alerts reach them */
  moveStaffLinks?: boolean
  /** add the successor to the tokens that hold the old unit (default true), so they can work its cases */
  moveTokenScopes?: boolean
  /** written on each moved case's event */
  note?: string | null
  /** `token:<name>`, for the moved cases' events */
  actor: string
}

export type ReplaceUnitResult = {
  predecessor: Unit
  successor: Unit
  rulesMoved: number
  childrenMoved: number
  casesMoved: number
  staffLinksMoved: number
  tokensUpdated: number
}

/**
 * Replaces a unit by a successor (new authorities after an election): the successor keeps the
 * institution, parent and place; the old unit closes when the successor opens, keeping its history;
 * its routing rules and the units that escalated to it move to the successor, and, when asked, its
 * open cases too. Its staff chats and the tokens scoped to it get the successor as well (unless the
 * admin says otherwise); they keep the old unit, whose remaining cases they may still work. Call it
 * inside a transaction.
 */
export async function replaceUnit(tx: DbOrTx, id: string, input: ReplaceUnitInput, now: Date): Promise<ReplaceUnitResult> {
  const old = await findUnit(tx, id)
  if (!old) throw new NotFoundError('unit', id)
  const validFrom = input.validFrom ?? now
  if (isClosed(old, now) || (old.validTo !== null && old.validTo <= validFrom)) throw new DomainError(`unit ${old.code} is already closed`)
  // Rules move at once, so a successor opening later would receive cases before it exists.
  if (validFrom > now) throw new ValidationError('validFrom cannot be in the future: replace the unit on the day the successor takes over')
  if (validFrom <= old.validFrom) throw new ValidationError(`validFrom must be after the old unit's validFrom (${old.validFrom.toISOString()})`)

  const [successor] = await tx
    .insert(units)
    .values({
      code: input.code,
      institutionId: old.institutionId,
      parentId: old.parentId,
      name: input.name,
      departmentCode: old.departmentCode,
      municipalityCode: old.municipalityCode,
      validFrom,
    })
    .onConflictDoNothing({ target: units.code })
    .returning()
  if (!successor) throw new DomainError(`a unit with code ${input.code} already exists`)

  const [predecessor] = await tx.update(units).set({ validTo: validFrom }).where(eq(units.id, old.id)).returning()
  // Moved rules become the operator's ('api'): the seed still names the old unit, and the seed
  // loader must neither delete them nor bring the old unit's rules back.
  const rules = await tx.update(routingRules).set({ unitId: successor.id, source: 'api' }).where(eq(routingRules.unitId, old.id)).returning({ id: routingRules.id })
  const children = await tx
    .update(units)
    .set({ parentId: successor.id })
    .where(and(eq(units.parentId, old.id), or(isNull(units.validTo), gt(units.validTo, now))))
    .returning({ id: units.id })
  const casesMoved = input.moveOpenCases
    ? await moveOpenCases(tx, { fromUnitId: old.id, toUnitId: successor.id, actor: input.actor, note: input.note ?? null, now })
    : 0
  const staff = input.moveStaffLinks === false ? [] : await tx.select({ contactId: staffSubscriptions.contactId }).from(staffSubscriptions).where(eq(staffSubscriptions.unitId, old.id))
  const staffLinksMoved =
    staff.length === 0
      ? 0
      : (
          await tx
            .insert(staffSubscriptions)
            .values(staff.map(({ contactId }) => ({ contactId, unitId: successor.id, createdAt: now })))
            .onConflictDoNothing()
            .returning({ contactId: staffSubscriptions.contactId })
        ).length
  const tokensUpdated =
    input.moveTokenScopes === false
      ? 0
      : (
          await tx
            .update(apiTokens)
            .set({ unitIds: sql`array_append(${apiTokens.unitIds}, ${successor.id}::uuid)` })
            .where(and(sql`${old.id}::uuid = any(${apiTokens.unitIds})`, sql`not (${successor.id}::uuid = any(${apiTokens.unitIds}))`))
            .returning({ id: apiTokens.id })
        ).length
  return { predecessor: predecessor ?? old, successor, rulesMoved: rules.length, childrenMoved: children.length, casesMoved, staffLinksMoved, tokensUpdated }
}
