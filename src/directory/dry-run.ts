import { eq, inArray } from 'drizzle-orm'
import { loadActiveRules } from '../cases/load-rules.js'
import { type RoutingRule, matchingRules, rank, routeCase } from '../cases/route-case.js'
import type { DbOrTx } from '../db/client.js'
import { type Sector, institutions, municipalities, units } from '../db/schema/index.js'
import { ValidationError } from '../domain-errors.js'
import { checkCategory } from './unit-checks.js'

export type DryRunInput = { sector: Sector; category: string; municipalityCode: string }

type Named = { id: string; code: string; name: string }

export type DryRunCandidate = { rule: RoutingRule; unit: Named; specificity: number; lostBecause: string | null }

export type DryRunResult = {
  unit: Named | null
  institution: Named | null
  rule: RoutingRule | null
  slaHours: number | null
  dueAt: Date | null
  reason: string
  candidates: DryRunCandidate[]
}

/** Why `loser` ranks below `winner`, comparing the same keys `routeCase` sorts by. */
function whyLost(loser: RoutingRule, winner: RoutingRule): string {
  const [lf, lp, lprio] = rank(loser)
  const [wf, wp, wprio] = rank(winner)
  if (lf !== wf) return `less specific: it fixes ${lf} of the case's fields (a municipality counts 2), the winner ${wf}`
  if (lp !== wp) return 'as specific, but the winner names a smaller place (municipality before department before none)'
  if (lprio !== wprio) return `as specific, but lower priority (${lprio} against ${wprio})`
  return 'identical rank and priority: the rule with the smaller id wins, so the answer is stable'
}

/**
 * Where a hypothetical case would go now, and why: the winning rule, its unit and deadline, and
 * every other matching rule in precedence order with the reason it lost. Writes nothing.
 */
export async function dryRunRouting(db: DbOrTx, input: DryRunInput, now: Date): Promise<DryRunResult> {
  const [municipality] = await db.select().from(municipalities).where(eq(municipalities.code, input.municipalityCode))
  if (!municipality) throw new ValidationError(`unknown municipality ${input.municipalityCode}`)
  await checkCategory(db, input.sector, input.category)
  const facts = { ...input, departmentCode: municipality.departmentCode }
  const rules = await loadActiveRules(db, now)
  const matching = matchingRules(facts, rules)
  const decision = routeCase(facts, rules)
  const unitIds = [...new Set(matching.map((rule) => rule.unitId))]
  const unitRows =
    unitIds.length === 0
      ? []
      : await db
          .select({ id: units.id, code: units.code, name: units.name, institutionId: institutions.id, institutionCode: institutions.code, institutionName: institutions.name })
          .from(units)
          .innerJoin(institutions, eq(institutions.id, units.institutionId))
          .where(inArray(units.id, unitIds))
  const byId = new Map(unitRows.map((row) => [row.id, row]))
  const named = (id: string): Named => {
    const row = byId.get(id)
    return { id, code: row?.code ?? '', name: row?.name ?? '' }
  }
  const winner = decision?.rule
  const candidates = matching.map((rule) => ({
    rule,
    unit: named(rule.unitId),
    specificity: rank(rule)[0],
    lostBecause: winner === undefined || rule.id === winner.id ? null : whyLost(rule, winner),
  }))
  if (!decision || !winner) {
    return { unit: null, institution: null, rule: null, slaHours: null, dueAt: null, reason: `no rule matches: the ${input.sector} sector needs a catch-all rule`, candidates }
  }
  const unitRow = byId.get(winner.unitId)
  return {
    unit: named(winner.unitId),
    institution: unitRow ? { id: unitRow.institutionId, code: unitRow.institutionCode, name: unitRow.institutionName } : null,
    rule: winner,
    slaHours: winner.slaHours,
    dueAt: new Date(now.getTime() + winner.slaHours * 3_600_000),
    reason: decision.reason,
    candidates,
  }
}
