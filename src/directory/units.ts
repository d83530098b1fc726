import { type SQL, and, asc, eq, gt, inArray, isNull, lte, or } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { routingRules, units } from '../db/schema/index.js'
import { DomainError, NotFoundError, ValidationError } from '../domain-errors.js'
import type { DirectoryScope } from './scope.js'
import { type Unit, checkInstitution, checkParent, checkPlace, findUnit, isClosed } from './unit-checks.js'

export type { Unit } from './unit-checks.js'

export type ListUnitsOptions = {
  institutionId?: string
  parentId?: string
  departmentCode?: string
  municipalityCode?: string
  /** only units in force at this moment (opened, not yet closed) */
  activeAt?: Date
  /** the `nextCursor` of the previous page (a unit code) */
  cursor?: string
  limit?: number
}

export type UnitPage = { items: Unit[]; nextCursor: string | null }

/** Units ordered by code, a page at a time; a scoped caller sees only its own. */
export async function listUnits(db: DbOrTx, options: ListUnitsOptions, scope: DirectoryScope = {}): Promise<UnitPage> {
  if (scope.unitIds?.length === 0) return { items: [], nextCursor: null }
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), 500)
  const conditions: (SQL | undefined)[] = []
  if (scope.unitIds) conditions.push(inArray(units.id, [...scope.unitIds]))
  if (options.institutionId) conditions.push(eq(units.institutionId, options.institutionId))
  if (options.parentId) conditions.push(eq(units.parentId, options.parentId))
  if (options.departmentCode) conditions.push(eq(units.departmentCode, options.departmentCode))
  if (options.municipalityCode) conditions.push(eq(units.municipalityCode, options.municipalityCode))
  if (options.activeAt) conditions.push(lte(units.validFrom, options.activeAt), or(isNull(units.validTo), gt(units.validTo, options.activeAt)))
  if (options.cursor) conditions.push(gt(units.code, options.cursor))
  const rows = await db
    .select()
    .from(units)
    .where(and(...conditions))
    .orderBy(asc(units.code))
    .limit(limit + 1)
  const items = rows.slice(0, limit)
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.code ?? null) : null }
}

/** One unit; NotFoundError when it does not exist or is outside the scope. */
export async function getUnit(db: DbOrTx, id: string, scope: DirectoryScope = {}): Promise<Unit> {
  const unit = scope.unitIds === undefined || scope.unitIds.includes(id) ? await findUnit(db, id) : undefined
  if (!unit) throw new NotFoundError('unit', id)
  return unit
}

export type CreateUnitInput = {
  code: string
  institutionId: string
  name: string
  parentId?: string | null
  departmentCode?: string | null
  municipalityCode?: string | null
  validFrom?: Date
}

/** Creates a unit after checking its institution, parent and place; a taken code is a conflict. */
export async function createUnit(db: DbOrTx, input: CreateUnitInput, now: Date): Promise<Unit> {
  await checkInstitution(db, input.institutionId)
  if (input.parentId) await checkParent(db, null, input.parentId, now)
  await checkPlace(db, input.departmentCode, input.municipalityCode)
  const [row] = await db
    .insert(units)
    .values({
      code: input.code,
      institutionId: input.institutionId,
      name: input.name,
      parentId: input.parentId ?? null,
      departmentCode: input.departmentCode ?? null,
      municipalityCode: input.municipalityCode ?? null,
      validFrom: input.validFrom ?? now,
    })
    .onConflictDoNothing({ target: units.code })
    .returning()
  if (!row) throw new DomainError(`a unit with code ${input.code} already exists`)
  return row
}

/** Renames a unit or moves it on the escalation ladder (`parentId: null` makes it a top). */
export async function updateUnit(db: DbOrTx, id: string, input: { name?: string; parentId?: string | null }, now: Date): Promise<Unit> {
  const unit = await findUnit(db, id)
  if (!unit) throw new NotFoundError('unit', id)
  if (input.parentId) await checkParent(db, id, input.parentId, now)
  if (input.name === undefined && input.parentId === undefined) return unit
  const [row] = await db.update(units).set(input).where(eq(units.id, id)).returning()
  return row ?? unit
}

/**
 * Closes a unit at `validTo`; it is never deleted, so cases and statistics keep who was
 * responsible. Refused while routing rules still send cases to it: move them first (or replace it).
 */
export async function closeUnit(db: DbOrTx, id: string, validTo: Date, now: Date): Promise<Unit> {
  const unit = await findUnit(db, id)
  if (!unit) throw new NotFoundError('unit', id)
  if (isClosed(unit, now)) throw new DomainError(`unit ${unit.code} is already closed`)
  if (validTo <= unit.validFrom) throw new ValidationError(`validTo must be after the unit's validFrom (${unit.validFrom.toISOString()})`)
  const rules = await db.select({ id: routingRules.id }).from(routingRules).where(eq(routingRules.unitId, id))
  if (rules.length > 0) {
    throw new DomainError(`unit ${unit.code} still receives cases through ${rules.length} routing rule(s): move or delete them first (seed rules: in the seed file), or replace the unit`)
  }
  const [row] = await db.update(units).set({ validTo }).where(eq(units.id, id)).returning()
  return row ?? unit
}
