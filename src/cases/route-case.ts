import type { Sector, routingRules } from '../db/schema/index.js'

/** A routing rule as the router needs it (a row of `routing_rules`). */
export type RoutingRule = Pick<
  typeof routingRules.$inferSelect,
  'id' | 'sector' | 'category' | 'departmentCode' | 'municipalityCode' | 'unitId' | 'slaHours' | 'priority' | 'note'
>

/** What routing looks at in a case. */
export type CaseFacts = { sector: Sector; category: string; departmentCode: string; municipalityCode: string }

/** The winning rule and, in words a citizen may read, why it was chosen. */
export type RoutingDecision = { rule: RoutingRule; reason: string }

const SECTOR_WORDS: Record<Sector, string> = {
  health: 'salud',
  education: 'educación',
  cash_transfer: 'transferencias MIFAPRO',
}

function matches(rule: RoutingRule, facts: CaseFacts): boolean {
  return (
    rule.sector === facts.sector &&
    (rule.category === null || rule.category === facts.category) &&
    (rule.departmentCode === null || rule.departmentCode === facts.departmentCode) &&
    (rule.municipalityCode === null || rule.municipalityCode === facts.municipalityCode)
  )
}

/**
 * How specific a rule is, compared element by element: first the number of fields it fixes, where
 * a municipality also fixes its department (so it counts two), then the geographic level alone (a
 * municipality beats a department when the counts tie), then the priority.
 */
export function rank(rule: RoutingRule): [number, number, number] {
  const place = rule.municipalityCode !== null ? 2 : rule.departmentCode !== null ? 1 : 0
  return [place + (rule.category !== null ? 1 : 0), place, rule.priority]
}

function compare(a: RoutingRule, b: RoutingRule): number {
  const ra = rank(a)
  const rb = rank(b)
  for (let i = 0; i < ra.length; i++) {
    const diff = (rb[i] ?? 0) - (ra[i] ?? 0)
    if (diff !== 0) return diff
  }
  // Identical rank: decide by id so that the same rules always give the same answer.
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

function explain(rule: RoutingRule): string {
  const parts = [rule.category === null && rule.departmentCode === null && rule.municipalityCode === null ? 'Regla general de' : 'Regla de']
  parts.push(SECTOR_WORDS[rule.sector])
  if (rule.category !== null) parts.push(`para la categoría ${rule.category}`)
  if (rule.municipalityCode !== null) parts.push(`en el municipio ${rule.municipalityCode}`)
  else if (rule.departmentCode !== null) parts.push(`en el departamento ${rule.departmentCode}`)
  const text = parts.join(' ')
  return rule.note ? `${text}. ${rule.note}` : `${text}.`
}

/**
 * Picks the rule for a case: among the rules whose filled fields all match, the most specific, then
 * the highest priority. Null when none matches (a sector without a catch-all rule).
 */
export function routeCase(facts: CaseFacts, rules: readonly RoutingRule[]): RoutingDecision | null {
  const best = matchingRules(facts, rules)[0]
  return best === undefined ? null : { rule: best, reason: explain(best) }
}

/** Every rule that matches a case, the winner first: the order `routeCase` decides by. */
export function matchingRules<Rule extends RoutingRule>(facts: CaseFacts, rules: readonly Rule[]): Rule[] {
  return rules.filter((rule) => matches(rule, facts)).sort(compare)
}
