import { and, eq, inArray } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { type Sector, categories, departments, institutions, municipalities, units } from '../db/schema/index.js'
import { ValidationError } from '../domain-errors.js'

export type Unit = typeof units.$inferSelect

/** The unit with this id, or undefined. */
export async function findUnit(db: DbOrTx, id: string): Promise<Unit | undefined> {
  const [row] = await db.select().from(units).where(eq(units.id, id))
  return row
}

/** Whether a unit is closed at `at` (its `validTo` reached). */
export function isClosed(unit: Pick<Unit, 'validTo'>, at: Date): boolean {
  return unit.validTo !== null && unit.validTo <= at
}

/** Refuses an institution id that does not exist (a reference in a body: 422, not 404). */
export async function checkInstitution(db: DbOrTx, id: string): Promise<void> {
  const [row] = await db.select({ id: institutions.id }).from(institutions).where(eq(institutions.id, id))
  if (!row) throw new ValidationError(`unknown institution ${id}`)
}

/**
 * Refuses a parent that does not exist, is closed, or would make the escalation ladder a loop:
 * walking up from the new parent must never reach the unit itself.
 */
export async function checkParent(db: DbOrTx, unitId: string | null, parentId: string, now: Date): Promise<void> {
  const parent = await findUnit(db, parentId)
  if (!parent) throw new ValidationError(`unknown parent unit ${parentId}`)
  if (isClosed(parent, now)) throw new ValidationError(`parent unit ${parent.code} is closed`)
  const seen = new Set<string>()
  for (let current: Unit | undefined = parent; current; current = current.parentId ? await findUnit(db, current.parentId) : undefined) {
    if (current.id === unitId) throw new ValidationError(`unit ${parent.code} is below this unit: the escalation ladder would loop`)
    // A loop already in the data (only possible by hand-edited SQL) must not hang the request.
    if (seen.has(current.id)) break
    seen.add(current.id)
  }
}

/** Refuses unknown department or municipality codes, and a municipality outside its department. */
export async function checkPlace(db: DbOrTx, departmentCode: string | null | undefined, municipalityCode: string | null | undefined): Promise<void> {
  if (departmentCode) {
    const [row] = await db.select().from(departments).where(eq(departments.code, departmentCode))
    if (!row) throw new ValidationError(`unknown department ${departmentCode}`)
  }
  if (municipalityCode) {
    const [row] = await db.select().from(municipalities).where(eq(municipalities.code, municipalityCode))
    if (!row) throw new ValidationError(`unknown municipality ${municipalityCode}`)
    if (departmentCode && row.departmentCode !== departmentCode) {
      throw new ValidationError(`municipality ${municipalityCode} is not in department ${departmentCode}`)
    }
  }
}

/** Refuses a category that the sector does not offer (nor every sector, `any`). */
export async function checkCategory(db: DbOrTx, sector: Sector, category: string): Promise<void> {
  const [row] = await db
    .select({ code: categories.code })
    .from(categories)
    .where(and(eq(categories.code, category), inArray(categories.sector, [sector, 'any'])))
  if (!row) throw new ValidationError(`unknown category ${category} for sector ${sector}`)
}
