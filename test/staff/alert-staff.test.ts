import { randomUUID } from 'node:crypto'
import { and, asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/client.js'
import { categories, outbox, staffSubscriptions } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { alertStaff } from '../../src/staff/alert-staff.js'
import { staffCaseFacts } from '../../src/staff/case-facts.js'
import { fileCase, newContact } from '../cases/case-fixture.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const now = new Date('2026-11-25T15:00:00Z')
const schoolBuilding = { sector: 'education', category: 'infrastructure', facility: 'EORM Mixco' } as const

describe.each(databaseKinds)('alertStaff on %s', (kind) => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db)
  })
  afterAll(async () => {
    await database.close()
  })

  const textsTo = async (address: string) =>
    (await database.db.select().from(outbox).where(eq(outbox.address, address)).orderBy(asc(outbox.id))).map((row) => JSON.stringify(row.body))

  it("names a school building complaint by education's label, not health's label of the same code, in each chat's language", async () => {
    const { code, row } = await fileCase(database, { now, draft: schoolBuilding })
    if (!row.unitId) throw new Error('the school complaint was not routed')
    for (const [address, locale] of [['school-es', 'es'], ['school-en', 'en']] as const) {
      const chat = await newContact(database, address, locale)
      await database.db.insert(staffSubscriptions).values({ contactId: chat.id, unitId: row.unitId })
    }
    expect(await database.db.transaction((tx) => alertStaff(tx, row.id, 'new'))).toBe(2)
    const [es] = (await textsTo('school-es')).filter((text) => text.includes(code))
    expect(es).toContain('Aulas o baños en mal estado')
    expect(es).not.toContain('Instalaciones')
    const [en] = (await textsTo('school-en')).filter((text) => text.includes(code))
    expect(en).toContain('School building or toilets in bad repair')
  })

  it('prefers the sector\'s own label when the same code is also offered in every sector', async () => {
    const everySector = and(eq(categories.sector, 'any'), eq(categories.code, 'infrastructure'))
    await database.db.insert(categories).values({ sector: 'any', code: 'infrastructure', labels: { es: 'Infraestructura en general', en: 'Any infrastructure' } })
    try {
      const school = await fileCase(database, { now, draft: schoolBuilding })
      const facts = await staffCaseFacts(database.db, school.row.id)
      expect(facts?.category('es')).toBe('Aulas o baños en mal estado')
      expect(facts?.category('en')).toBe('School building or toilets in bad repair')
      // a code offered only in every sector still has its label
      const bribe = await fileCase(database, { now, draft: { category: 'corruption' } })
      expect((await staffCaseFacts(database.db, bribe.row.id))?.category('es')).toBe('Corrupción o soborno')
    } finally {
      await database.db.delete(categories).where(everySector)
    }
  })

  it('alerts nobody about a case that does not exist, nor when told the unit is none', async () => {
    const { row } = await fileCase(database, { now })
    expect(await database.db.transaction((tx) => alertStaff(tx, randomUUID(), 'new'))).toBe(0)
    expect(await database.db.transaction((tx) => alertStaff(tx, randomUUID(), 'urgent', row.unitId))).toBe(0)
    expect(await database.db.transaction((tx) => alertStaff(tx, row.id, 'urgent', null))).toBe(0)
  })
})
