import { count, eq, like } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/client.js'
import { institutions, routingRules, units } from '../../src/db/schema/index.js'
import { SeedSchema, readSeedFile, seedDatabase } from '../../src/db/seed/load-seed.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

describe.each(databaseKinds)('seedDatabase on %s', (kind) => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })

  const countUnits = async (prefix: string) => {
    const [row] = await database.db.select({ n: count() }).from(units).where(like(units.code, `${prefix}%`))
    return Number(row?.n)
  }

  it('loads 29 health areas, 26 directorates, 22 MIFAPRO offices and 340 municipalities with a unit each', async () => {
    const result = await seedDatabase(database.db)
    expect(result.directory).toEqual({ institutions: 343, units: 420, rulesLoaded: 118 })
    expect(await countUnits('MSPAS-DAS-')).toBe(29)
    expect(await countUnits('MINEDUC-DIDEDUC-')).toBe(26)
    expect(await countUnits('MIDES-MIFAPRO-')).toBe(22)
    expect(await countUnits('MUNI-')).toBe(340)
    const [municipalInstitutions] = await database.db.select({ n: count() }).from(institutions).where(like(institutions.code, 'MUNI-%'))
    expect(Number(municipalInstitutions?.n)).toBe(340)
  })

  it('hangs every health area under the MSPAS central unit, the top of its escalation ladder', async () => {
    const [central] = await database.db.select().from(units).where(eq(units.code, 'MSPAS-CENTRAL'))
    const [ixil] = await database.db.select().from(units).where(eq(units.code, 'MSPAS-DAS-IXIL'))
    expect(central?.parentId).toBeNull()
    expect(ixil).toMatchObject({ parentId: central?.id, departmentCode: '14', name: 'Dirección de Área de Salud Ixil' })
  })

  it('changes nothing when run a second time: same ids, same counts, rules kept', async () => {
    const before = await database.db.select({ id: units.id, code: units.code }).from(units).orderBy(units.code)
    const rulesBefore = await database.db.select({ id: routingRules.id }).from(routingRules).orderBy(routingRules.id)
    const result = await seedDatabase(database.db)
    expect(result.directory.rulesLoaded).toBe(0)
    expect(await database.db.select({ id: units.id, code: units.code }).from(units).orderBy(units.code)).toEqual(before)
    expect(await database.db.select({ id: routingRules.id }).from(routingRules).orderBy(routingRules.id)).toEqual(rulesBefore)
  })

  it('keeps rules added through the API across restarts, and replaces them all only when asked', async () => {
    const [mixco] = await database.db.select().from(units).where(eq(units.code, 'MUNI-0108'))
    if (!mixco) throw new Error('seed has no MUNI-0108')
    await database.db
      .insert(routingRules)
      .values({ sector: 'education', category: 'infrastructure', municipalityCode: '0108', unitId: mixco.id, slaHours: 240, source: 'api' })
    await seedDatabase(database.db)
    expect(await database.db.select().from(routingRules).where(eq(routingRules.unitId, mixco.id))).toHaveLength(1)

    const result = await seedDatabase(database.db, undefined, { replaceRules: true })
    expect(result.directory.rulesLoaded).toBe(118)
    expect(await database.db.select().from(routingRules).where(eq(routingRules.unitId, mixco.id))).toHaveLength(0)
  })

  it('puts back a seed rule deleted behind its back and removes a seed rule the file no longer has', async () => {
    const seedRules = () => database.db.select().from(routingRules).where(eq(routingRules.source, 'seed')).orderBy(routingRules.id)
    const before = await seedRules()
    const [first] = before
    if (!first) throw new Error('no seed rules')
    await database.db.delete(routingRules).where(eq(routingRules.id, first.id))
    await database.db.insert(routingRules).values({ ...first, id: undefined, slaHours: 1, note: 'not in the file' })
    const result = await seedDatabase(database.db)
    expect(result.directory.rulesLoaded).toBe(1)
    const after = await seedRules()
    expect(after).toHaveLength(before.length)
    expect(after.find((rule) => rule.note === 'not in the file')).toBeUndefined()
  })

  it('does not bring back seed rules of a unit closed through the API, nor re-parent its children to it', async () => {
    const unitByCode = async (code: string) => {
      const [unit] = await database.db.select().from(units).where(eq(units.code, code))
      if (!unit) throw new Error(`seed has no ${code}`)
      return unit
    }
    const central = await unitByCode('MSPAS-CENTRAL')
    const centralRules = await database.db.select().from(routingRules).where(eq(routingRules.unitId, central.id))
    expect(centralRules.length).toBeGreaterThan(0)
    // What replacing the unit through the API does: successor, rules and children moved, old closed.
    const [successor] = await database.db
      .insert(units)
      .values({ code: 'MSPAS-CENTRAL-2028', institutionId: central.institutionId, name: 'Despacho Ministerial (2028)' })
      .returning()
    if (!successor) throw new Error('no successor')
    await database.db.update(routingRules).set({ unitId: successor.id, source: 'api' }).where(eq(routingRules.unitId, central.id))
    await database.db.update(units).set({ parentId: successor.id }).where(eq(units.parentId, central.id))
    await database.db.update(units).set({ validTo: new Date() }).where(eq(units.id, central.id))

    await seedDatabase(database.db)
    expect(await database.db.select().from(routingRules).where(eq(routingRules.unitId, central.id))).toHaveLength(0)
    expect(await database.db.select().from(routingRules).where(eq(routingRules.unitId, successor.id))).toHaveLength(centralRules.length)
    expect((await unitByCode('MSPAS-DAS-IXIL')).parentId).toBe(successor.id)
  })

  it('takes each rule deadline from the sector hours in the seed', async () => {
    const rules = await database.db.select({ sector: routingRules.sector, slaHours: routingRules.slaHours }).from(routingRules)
    const hours = new Map(rules.map((r) => [r.sector, r.slaHours]))
    expect(Object.fromEntries(hours)).toEqual({ health: 72, education: 120, cash_transfer: 120 })
  })
})

describe('SeedSchema', () => {
  it('accepts the committed seed/directory.json', async () => {
    const seed = await readSeedFile()
    expect(seed.institutions.map((i) => i.code).slice(0, 3)).toEqual(['MSPAS', 'MINEDUC', 'MIDES'])
  })

  it('names a rule that points at a unit the seed does not define', () => {
    const result = SeedSchema.safeParse({
      _about: 'test',
      slaHours: { health: 72, education: 120, cash_transfer: 120 },
      institutions: [{ code: 'MSPAS', name: 'Ministerio de Salud' }],
      units: [{ code: 'MSPAS-CENTRAL', institution: 'MSPAS', name: 'Despacho' }],
      rules: [{ sector: 'health', unit: 'MSPAS-NOWHERE' }],
    })
    expect(result.success).toBe(false)
    expect(result.error?.issues[0]).toMatchObject({ path: ['rules', 0, 'unit'], message: 'unknown unit MSPAS-NOWHERE' })
  })

  it('rejects a unit whose parent is not in the seed', () => {
    const result = SeedSchema.safeParse({
      _about: 'test',
      slaHours: { health: 72, education: 120, cash_transfer: 120 },
      institutions: [{ code: 'MSPAS', name: 'Ministerio de Salud' }],
      units: [{ code: 'MSPAS-DAS-IXIL', institution: 'MSPAS', name: 'Ixil', parent: 'MSPAS-CENTRAL' }],
      rules: [],
    })
    expect(result.error?.issues[0]?.message).toBe('unknown unit MSPAS-CENTRAL')
  })
})
