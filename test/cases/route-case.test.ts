import { readFileSync } from 'node:fs'
import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { loadActiveRules, routeCase } from '../../src/cases/index.js'
import { matchingRules } from '../../src/cases/route-case.js'
import type { Database } from '../../src/db/client.js'
import { SECTORS, units } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const FactsSchema = z.object({ sector: z.enum(SECTORS), category: z.string(), departmentCode: z.string(), municipalityCode: z.string() })
const RuleSchema = z
  .object({
    id: z.string(),
    sector: z.enum(SECTORS),
    category: z.string().nullable().default(null),
    departmentCode: z.string().nullable().default(null),
    municipalityCode: z.string().nullable().default(null),
    priority: z.number().int().default(0),
    note: z.string().nullable().default(null),
  })
  .transform((rule) => ({ ...rule, unitId: `unit-of-${rule.id}`, slaHours: 72 }))
const TableSchema = z.object({
  seeded: z.array(z.object({ it: z.string(), facts: FactsSchema, unit: z.string() })),
  rules: z.array(z.object({ it: z.string(), facts: FactsSchema, rules: z.array(RuleSchema), winner: z.string().nullable() })),
})
const table = TableSchema.parse(JSON.parse(readFileSync(new URL('./testdata/routing.json', import.meta.url), 'utf8')))

describe('routeCase', () => {
  it.each(table.rules)('$it', ({ facts, rules, winner }) => {
    expect(routeCase(facts, rules)?.rule.id ?? null).toBe(winner)
  })

  it('explains its choice in words, with the rule note', () => {
    const decision = routeCase({ sector: 'health', category: 'closed', departmentCode: '17', municipalityCode: '1709' }, [
      { id: 'r', sector: 'health', category: null, departmentCode: null, municipalityCode: '1709', unitId: 'u', slaHours: 72, priority: 0, note: 'Ubicación sin confirmar.' },
    ])
    expect(decision?.reason).toBe('Regla de salud en el municipio 1709. Ubicación sin confirmar.')
  })
})

describe.each(databaseKinds)('routeCase with the seeded rules on %s', (kind) => {
  let database: Database
  let unitCodes: Map<string, string>
  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db)
    const rows = await database.db.select({ id: units.id, code: units.code }).from(units)
    unitCodes = new Map(rows.map((row) => [row.id, row.code]))
  })
  afterAll(async () => {
    await database.close()
  })

  it.each(table.seeded)('$it', async ({ facts, unit }) => {
    const decision = routeCase(facts, await loadActiveRules(database.db))
    expect(unitCodes.get(decision?.rule.unitId ?? '')).toBe(unit)
  })

  it('routes every municipality of the country below the central unit in every sector', async () => {
    const rules = await loadActiveRules(database.db)
    const central = new Set(['MSPAS-CENTRAL', 'MINEDUC-CENTRAL', 'MIDES-CENTRAL'])
    const municipalities = await database.db.query.municipalities.findMany()
    const unrouted = municipalities.flatMap((m) =>
      SECTORS.filter((sector) => {
        const decision = routeCase({ sector, category: 'corruption', departmentCode: m.departmentCode, municipalityCode: m.code }, rules)
        return central.has(unitCodes.get(decision?.rule.unitId ?? '') ?? 'CENTRAL')
      }).map((sector) => `${sector} ${m.code}`),
    )
    expect(unrouted).toEqual([])
  })

  it('reads for a case exactly the rules that match it, so routing among them is routing among all', async () => {
    const all = await loadActiveRules(database.db)
    const municipalities = await database.db.query.municipalities.findMany()
    // every seeded case, and every municipality with a category some rule names and one none does
    const categories = [...new Set(all.flatMap((rule) => (rule.category === null ? [] : [rule.category]))), 'corruption']
    const cases = [
      ...table.seeded.map(({ facts }) => facts),
      ...municipalities.flatMap((m) => SECTORS.flatMap((sector) => categories.map((category) => ({ sector, category, departmentCode: m.departmentCode, municipalityCode: m.code })))).filter((_, i) => i % 7 === 0),
    ]
    for (const facts of cases) {
      const read = await loadActiveRules(database.db, new Date(), facts)
      expect(read.map((rule) => rule.id).sort(), JSON.stringify(facts)).toEqual(matchingRules(facts, all).map((rule) => rule.id).sort())
    }
  })

  it('stops routing to a unit once it is closed, falling back to the catch-all', async () => {
    const later = new Date(Date.now() + 86_400_000)
    const ixil = [...unitCodes].find(([, code]) => code === 'MSPAS-DAS-IXIL')?.[0] ?? ''
    await database.db.update(units).set({ validTo: new Date() }).where(eq(units.id, ixil))
    const decision = routeCase({ sector: 'health', category: 'closed', departmentCode: '14', municipalityCode: '1413' }, await loadActiveRules(database.db, later))
    expect(unitCodes.get(decision?.rule.unitId ?? '')).toBe('MSPAS-CENTRAL')
  })
})
