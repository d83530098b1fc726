import { eq, inArray } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { units } from '../db/schema/index.js'
import { ForbiddenError } from '../domain-errors.js'
import type { UnitScope } from './case-ref.js'

/**
 * Refuses to send a case to a unit outside the caller's institutions: an MSPAS area token may
 * pass a misrouted case to another MSPAS office, not to MINEDUC. Admins (scope null) may.
 */
export async function assertWithinInstitution(db: DbOrTx, scope: UnitScope, targetUnitId: string): Promise<void> {
  if (scope === null) return
  const own = scope.length === 0 ? [] : await db.select({ institutionId: units.institutionId }).from(units).where(inArray(units.id, [...scope]))
  const [target] = await db.select({ institutionId: units.institutionId }).from(units).where(eq(units.id, targetUnitId))
  if (target && !own.some((unit) => unit.institutionId === target.institutionId)) {
    throw new ForbiddenError('this token may pass cases only to units of its own institution; ask an admin to send it elsewhere')
  }
}
