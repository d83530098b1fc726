import { and, eq, gt, isNull, or } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { institutions, routingRules, units } from '../db/schema/index.js'
import type { CaseFacts, RoutingRule } from './route-case.js'

/** The unit a rule sends cases to, as a filing names it to the citizen. */
export type RuleUnit = { id: string; name: string; parentId: string | null; institutionId: string; institution: string }

/** A rule in force, with its unit: a filing then needs no second read to name where the case went. */
export type ActiveRule = RoutingRule & { unit: RuleUnit }

/**
 * The routing rules in force at `now`: those whose unit is still open (no `validTo`, or one in
 * the future), since a closed unit must not receive new cases. With `facts`, only the rules that
 * match a case (route-case.ts's `matches`, asked of the database): a filing reads the handful that
 * could route it, not every rule of the directory (118 in the seed), and routes among them as
 * among all.
 */
export async function loadActiveRules(db: DbOrTx, now: Date = new Date(), facts?: CaseFacts): Promise<ActiveRule[]> {
  const open = or(isNull(units.validTo), gt(units.validTo, now))
  const rows = await db
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
      unitName: units.name,
      unitParentId: units.parentId,
      institutionId: units.institutionId,
      institution: institutions.name,
    })
    .from(routingRules)
    .innerJoin(units, eq(units.id, routingRules.unitId))
    .innerJoin(institutions, eq(institutions.id, units.institutionId))
    .where(
      facts
        ? and(
            open,
            eq(routingRules.sector, facts.sector),
            or(isNull(routingRules.category), eq(routingRules.category, facts.category)),
            or(isNull(routingRules.departmentCode), eq(routingRules.departmentCode, facts.departmentCode)),
            or(isNull(routingRules.municipalityCode), eq(routingRules.municipalityCode, facts.municipalityCode)),
          )
        : open,
    )
  return rows.map(({ unitName, unitParentId, institutionId, institution, ...rule }) => ({ ...rule, unit: { id: rule.unitId, name: unitName, parentId: unitParentId, institutionId, institution } }))
}
