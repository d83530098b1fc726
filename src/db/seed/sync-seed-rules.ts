import { and, eq, inArray, isNotNull } from 'drizzle-orm'
import type { DbOrTx } from '../client.js'
import { routingRules, units } from '../schema/index.js'
import type { Seed } from './seed-schema.js'

type RuleRow = Omit<typeof routingRules.$inferInsert, 'id' | 'createdAt' | 'source'>

/** Everything that makes a rule what it is, so an unchanged seed rule keeps its row and id. */
function keyOf(rule: RuleRow): string {
  return JSON.stringify([rule.sector, rule.category, rule.departmentCode, rule.municipalityCode, rule.unitId, rule.slaHours, rule.priority, rule.note])
}

/**
 * Makes the 'seed' rules equal to the seed file's, leaving the rules made through the admin API
 * alone: unchanged rules keep their rows, the others are deleted or inserted. A seed rule whose
 * unit was closed through the API (replaced after an election) is not brought back. With
 * `replaceAll` every rule, API-made too, is deleted first. Returns how many rules were inserted.
 */
export async function syncSeedRules(db: DbOrTx, seed: Seed, unitIds: ReadonlyMap<string, string>, replaceAll = false): Promise<number> {
  const ids = [...unitIds.values()]
  const closed = new Set(
    ids.length === 0 ? [] : (await db.select({ id: units.id }).from(units).where(and(inArray(units.id, ids), isNotNull(units.validTo)))).map((row) => row.id),
  )
  const wanted: RuleRow[] = seed.rules.flatMap((rule) => {
    const unitId = unitIds.get(rule.unit)
    // SeedSchema checks every reference, so a missing id only comes from a seed that skipped it.
    if (unitId === undefined) throw new Error(`seed refers to unknown code ${rule.unit}`)
    if (closed.has(unitId)) return []
    return [
      {
        sector: rule.sector,
        category: rule.category ?? null,
        departmentCode: rule.department ?? null,
        municipalityCode: rule.municipality ?? null,
        unitId,
        slaHours: rule.slaHours ?? seed.slaHours[rule.sector],
        priority: rule.priority,
        note: rule.note ?? null,
      },
    ]
  })

  if (replaceAll) await db.delete(routingRules)
  const existing = replaceAll ? [] : await db.select().from(routingRules).where(eq(routingRules.source, 'seed'))
  // Multisets by key: a seed may list the same rule twice, and each copy is a row.
  const pending = new Map<string, RuleRow[]>()
  for (const rule of wanted) pending.set(keyOf(rule), [...(pending.get(keyOf(rule)) ?? []), rule])
  const stale: string[] = []
  for (const row of existing) {
    const copies = pending.get(keyOf(row))
    if (copies && copies.length > 0) copies.pop()
    else stale.push(row.id)
  }
  if (stale.length > 0) await db.delete(routingRules).where(inArray(routingRules.id, stale))
  const toInsert = [...pending.values()].flat()
  if (toInsert.length > 0) await db.insert(routingRules).values(toInsert.map((rule) => ({ ...rule, source: 'seed' as const })))
  return toInsert.length
}
