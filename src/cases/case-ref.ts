import { eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { cases } from '../db/schema/index.js'
import { NotFoundError } from '../domain-errors.js'
import { normalizeTrackingCode } from './tracking-code.js'

/**
 * The units a caller may work on: null for all (admins, the system), else a list (an institution
 * token's units, a staff member's subscriptions).
 */
export type UnitScope = readonly string[] | null

export type CaseRow = typeof cases.$inferSelect

/** Whether a case assigned to `unitId` is within `scope`. */
export function inScope(scope: UnitScope, unitId: string | null): boolean {
  return scope === null || (unitId !== null && scope.includes(unitId))
}

/**
 * A case by tracking code, locked for update when written to. A case outside the caller's scope is
 * reported as not found, so a token of one unit cannot even learn that another unit's code exists.
 */
export async function loadCase(db: DbOrTx, input: string, scope: UnitScope, lock = false): Promise<CaseRow> {
  const code = normalizeTrackingCode(input)
  if (code === null) throw new NotFoundError('case', input)
  const query = db.select().from(cases).where(eq(cases.code, code))
  const [row] = lock ? await query.for('update') : await query
  if (!row || !inScope(scope, row.unitId)) throw new NotFoundError('case', code)
  return row
}
