import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CaseDraft, createCase, lookupCase } from '../../src/cases/index.js'
import type { Database } from '../../src/db/client.js'
import { caseEvents, cases, contacts } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const now = new Date('2026-11-26T03:00:00Z')
const draft: CaseDraft = {
  sector: 'cash_transfer',
  category: 'payment_missing',
  department: '09',
  municipality: '0901',
  facility: '',
  description: 'No me llegó el pago de octubre.',
  identity: 'named',
}

describe.each(databaseKinds)('lookupCase on %s', (kind) => {
  let database: Database
  let code: string
  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db)
    const [contact] = await database.db.insert(contacts).values({ channel: 'webchat', channelUserId: 'c-1' }).returning()
    const created = await database.db.transaction((tx) =>
      createCase(tx, draft, { now, contactId: contact?.id ?? null, channel: 'webchat', locale: 'es' }),
    )
    code = created.code
  })
  afterAll(async () => {
    await database.close()
  })

  it('finds a case by the code as the citizen typed it, in lower case and without the dash', async () => {
    const result = await lookupCase(database.db, code.toLowerCase().replace('-', ' '))
    expect(result).toEqual({
      found: true,
      code,
      status: 'routed',
      institution: 'Oficina departamental MIFAPRO Quetzaltenango (Ministerio de Desarrollo Social)',
      updatedDate: '2026-11-25',
      // the routing reason is a note for staff, not something the institution told the citizen
      lastNote: null,
    })
  })

  it('shows the latest public note and never a private one', async () => {
    const [row] = await database.db.select().from(cases).where(eq(cases.code, code))
    const caseId = row?.id ?? ''
    await database.db.insert(caseEvents).values([
      { caseId, at: new Date('2026-11-27T15:00:00Z'), actor: 'token:mides', type: 'comment', note: 'Pago reprogramado para el 5 de diciembre.', public: true },
      { caseId, at: new Date('2026-11-27T16:00:00Z'), actor: 'token:mides', type: 'comment', note: 'Llamar a la promotora.', public: false },
    ])
    const result = await lookupCase(database.db, code)
    expect(result).toMatchObject({ found: true, lastNote: 'Pago reprogramado para el 5 de diciembre.' })
  })

  it('carries nothing about the complainant or the complaint text', async () => {
    const result = await lookupCase(database.db, code)
    expect(Object.keys(result).sort()).toEqual(['code', 'found', 'institution', 'lastNote', 'status', 'updatedDate'])
  })

  it('answers not found for an unknown code and for text that is not a code', async () => {
    expect(await lookupCase(database.db, 'ZZZZ-ZZZZ')).toEqual({ found: false })
    expect(await lookupCase(database.db, 'hola')).toEqual({ found: false })
  })
})
