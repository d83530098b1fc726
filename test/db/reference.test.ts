import { count, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/client.js'
import { loadReferenceData } from '../../src/db/reference/load-reference.js'
import { categories, departments, municipalities, municipalityAliases } from '../../src/db/schema/index.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

describe.each(databaseKinds)('loadReferenceData on %s', (kind) => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })

  it('loads 22 departments, 340 municipalities, 44 aliases and 27 categories, twice without duplicates', async () => {
    const expected = { departments: 22, municipalities: 340, aliases: 44, categories: 27 }
    expect(await loadReferenceData(database.db)).toEqual(expected)
    expect(await loadReferenceData(database.db)).toEqual(expected)
    const { db } = database
    const [d] = await db.select({ n: count() }).from(departments)
    const [m] = await db.select({ n: count() }).from(municipalities)
    const [a] = await db.select({ n: count() }).from(municipalityAliases)
    const [c] = await db.select({ n: count() }).from(categories)
    expect([d?.n, m?.n, a?.n, c?.n].map(Number)).toEqual([22, 340, 44, 27])
  })

  it('keeps accents, coordinates and the department of each municipality', async () => {
    const [mixco] = await database.db.select().from(municipalities).where(eq(municipalities.code, '0108'))
    expect(mixco).toMatchObject({ name: 'Mixco', departmentCode: '01' })
    expect(mixco?.latitude).toBeCloseTo(14.6, 0)
    expect(mixco?.longitude).toBeCloseTo(-90.6, 0)
    const [xela] = await database.db.select().from(municipalityAliases).where(eq(municipalityAliases.alias, 'xela'))
    expect(xela?.municipalityCode).toBe('0901')
  })

  it('stores category labels in both languages, in file order, including the quoted one with commas', async () => {
    const rows = await database.db.select().from(categories).orderBy(categories.position)
    expect(rows[0]).toMatchObject({ sector: 'health', code: 'medicine_shortage', position: 0 })
    expect(rows.at(-1)).toMatchObject({ sector: 'any', code: 'life_at_risk', position: 26 })
    const infrastructure = rows.find((r) => r.sector === 'health' && r.code === 'infrastructure')
    expect(infrastructure?.labels).toEqual({
      es: 'Instalaciones o equipo en mal estado (agua, camas, ambulancia)',
      en: 'Facilities or equipment (water, beds, ambulance)',
    })
  })
})
