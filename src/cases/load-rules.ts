import { eq, gt, isNull, or } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { routingRules, units } from '../db/schema/index.js'
import type { RoutingRule } from './route-case.js'

/**
 * The routing rules in force at `now`: those whose unit is still open (no `validTo`, or one in
 * the future), since a closed unit must not receive new cases.
 */
export async function loadActiveRules(db: DbOrTx, now: Date = new Date()): Promise<RoutingRule[]> {
  return db
    .select({
      id: routingRules.id,
      sector: routingRules.sector,
      category: routingRules.category,
      departmentCode: routingRules.departmentCode,
      municipalityCode: routingRules.municipalityCode,
      unitId: routingRules.unitId,
      slaHours: routingRules.slaHours,
      priority: routingRules.priority,
      note: routingRules.note,
    })
    .from(routingRules)
    .innerJoin(units, eq(units.id, routingRules.unitId))
    .where(or(isNull(units.validTo), gt(units.validTo, now)))
}
