import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCase } from '../../src/cases/index.js'
import type { Database } from '../../src/db/client.js'
import { caseEvents } from '../../src/db/schema/index.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { caseRow, mixcoHealth, newContact, unitId } from './case-fixture.js'

const now = new Date('2026-11-25T15:00:00Z')

describe.each(databaseKinds)('conflict-of-interest routing on %s', (kind) => {
  let database: Database

  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db, './seed/directory.json')
  })
  afterAll(async () => {
    await database.close()
  })

  const file = async (conflictOfInterest: boolean, oversightUnitCode?: string) => {
    const created = await database.db.transaction((tx) =>
      createCase(tx, { ...mixcoHealth, conflictOfInterest }, { now, contactId: null, channel: 'webchat', locale: 'es', ...(oversightUnitCode ? { oversightUnitCode } : {}) }),
    )
    const row = await caseRow(database, created.code)
    const events = await database.db.select().from(caseEvents).where(eq(caseEvents.caseId, row.id))
    return { created, row, events }
  }

  it('leaves a complaint that is not about the head of the unit where its rule sends it', async () => {
    const { row, events } = await file(false)
    expect(row.unitId).toBe(await unitId(database, 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE'))
    expect(events.map((event) => event.type)).not.toContain('conflict_of_interest')
  })

  it('sends a complaint about the head of the health area to the unit above it, saying why in a private event', async () => {
    const { row, events, created } = await file(true)
    expect(row.unitId).toBe(await unitId(database, 'MSPAS-CENTRAL'))
    expect(created.unit).toBe('Despacho Ministerial / Dirección General')
    const conflict = events.find((event) => event.type === 'conflict_of_interest')
    expect(conflict).toMatchObject({ public: false, actor: 'system' })
    expect(conflict?.note).toContain('Dirección de Área de Salud Guatemala Nor Occidente')
  })

  it('sends it to the configured oversight unit instead, when there is one', async () => {
    const { row } = await file(true, 'MSPAS-DAS-IXIL')
    expect(row.unitId).toBe(await unitId(database, 'MSPAS-DAS-IXIL'))
  })

  it('stores the wish for no follow-up messages of a shared phone', async () => {
    const contact = await newContact(database, 'shared-phone')
    const created = await database.db.transaction((tx) =>
      createCase(tx, { ...mixcoHealth, followUps: false }, { now, contactId: contact.id, channel: 'webchat', locale: 'es' }),
    )
    expect((await caseRow(database, created.code)).followUps).toBe(false)
  })
})
