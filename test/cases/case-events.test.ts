import { readFileSync, readdirSync } from 'node:fs'
import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { moveOpenCases } from '../../src/cases/move-open-cases.js'
import { reassignCase } from '../../src/cases/reassign-case.js'
import { transitionCase } from '../../src/cases/transition-case.js'
import type { Database } from '../../src/db/client.js'
import { caseStats, outbox, staffSubscriptions } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { fileCase, newContact, unitId } from './case-fixture.js'

const now = new Date('2026-11-25T15:00:00Z')
const later = (hours: number) => new Date(now.getTime() + hours * 3_600_000)

describe('the cases module', () => {
  it('imports neither staff alerts nor statistics: it announces changes as case events', () => {
    const dir = new URL('../../src/cases/', import.meta.url)
    for (const file of readdirSync(dir).filter((name) => name.endsWith('.ts'))) {
      const source = readFileSync(new URL(file, dir), 'utf8')
      expect(source, file).not.toMatch(/from '\.\.\/(staff|stats)\//)
    }
  })
})

describe.each(databaseKinds)('case events fanning out on %s', (kind) => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db)
  })
  afterAll(async () => {
    await database.close()
  })

  const staffChat = async (address: string, unitCode: string) => {
    const contact = await newContact(database, address)
    await database.db.insert(staffSubscriptions).values({ contactId: contact.id, unitId: await unitId(database, unitCode) })
  }
  const textsTo = async (address: string) =>
    (await database.db.select().from(outbox).where(eq(outbox.address, address)).orderBy(asc(outbox.id))).map((row) => JSON.stringify(row.body))

  it('alerts the local office of an urgent case that went straight to the ministry, naming the ministry', async () => {
    await staffChat('urgent-area', 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')
    await staffChat('urgent-central', 'MSPAS-CENTRAL')
    const { code } = await fileCase(database, { now, draft: { category: 'life_at_risk' } })
    const central = (await textsTo('urgent-central')).filter((text) => text.includes(code))
    expect(central).toHaveLength(1)
    expect(central[0]).toContain('Caso nuevo')
    expect(central[0]).toContain('Despacho Ministerial / Dirección General (Ministerio de Salud Pública y Asistencia Social)')
    const area = (await textsTo('urgent-area')).filter((text) => text.includes(code))
    expect(area).toHaveLength(1)
    expect(area[0]).toContain('Caso urgente')
  })

  it('alerts the receiving unit of a reassigned case, and its unit of a reopened one', async () => {
    await staffChat('reassign-sur', 'MSPAS-DAS-GUATEMALA-SUR')
    const { code } = await fileCase(database, { now })
    const sur = await unitId(database, 'MSPAS-DAS-GUATEMALA-SUR')
    await database.db.transaction((tx) => reassignCase(tx, { code, unitId: sur, note: 'Es de Villa Nueva', actor: 'token:Ana', scope: null, now: later(1) }))
    expect((await textsTo('reassign-sur')).filter((text) => text.includes(code) && text.includes('fue trasladado'))).toHaveLength(1)

    await database.db.transaction((tx) => transitionCase(tx, { code, to: 'resolved', actor: 'token:Ana', scope: null, now: later(2) }))
    await database.db.transaction((tx) => transitionCase(tx, { code, to: 'reopened', actor: 'citizen', scope: null, now: later(3) }))
    expect((await textsTo('reassign-sur')).filter((text) => text.includes(code) && text.includes('se abrió de nuevo'))).toHaveLength(1)
  })

  it('tells each chat of both units once about a bulk move, and keeps the statistics of every moved case', async () => {
    await staffChat('bulk-from', 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')
    await staffChat('bulk-to', 'MSPAS-DAS-GUATEMALA-CENTRAL')
    const filed = [await fileCase(database, { now }), await fileCase(database, { now }), await fileCase(database, { now })]
    const from = await unitId(database, 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')
    const to = await unitId(database, 'MSPAS-DAS-GUATEMALA-CENTRAL')
    const before = (await textsTo('bulk-from')).length
    const moved = await database.db.transaction((tx) => moveOpenCases(tx, { fromUnitId: from, toUnitId: to, actor: 'token:admin', now: later(1) }))
    expect(moved).toBeGreaterThanOrEqual(3)
    const toTexts = (await textsTo('bulk-to')).filter((text) => text.includes('pasaron a'))
    expect(toTexts).toHaveLength(1)
    expect(toTexts[0]).toContain(`${moved} caso(s)`)
    expect((await textsTo('bulk-from')).length).toBe(before + 1)
    for (const { row } of filed) {
      const [stats] = await database.db.select().from(caseStats).where(eq(caseStats.caseId, row.id))
      expect(stats?.unitId).toBe(to)
    }
  })
})
