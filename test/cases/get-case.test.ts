import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NotFoundError, createCase, getCase } from '../../src/cases/index.js'
import type { Database } from '../../src/db/client.js'
import { contacts } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const now = new Date('2026-11-26T03:00:00Z')

describe.each(databaseKinds)('getCase on %s', (kind) => {
  let database: Database
  let code: string
  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db)
    const [contact] = await database.db.insert(contacts).values({ channel: 'whatsapp-cloud', channelUserId: '50255551234' }).returning()
    const created = await database.db.transaction((tx) =>
      createCase(
        tx,
        {
          sector: 'health',
          category: 'life_at_risk',
          department: '14',
          municipality: '1413',
          facility: 'Hospital de Nebaj',
          description: 'Mi hijo tiene fiebre alta y no hay médico.',
          identity: 'named',
        },
        { now, contactId: contact?.id ?? null, channel: 'whatsapp-cloud', locale: 'es' },
      ),
    )
    code = created.code
  })
  afterAll(async () => {
    await database.close()
  })

  it('returns the case with its place, unit, institution and history in order', async () => {
    const detail = await getCase(database.db, code)
    expect(detail).toMatchObject({
      code,
      sector: 'health',
      category: 'life_at_risk',
      municipalityCode: '1413',
      municipality: 'Nebaj',
      departmentCode: '14',
      facility: 'Hospital de Nebaj',
      identityMode: 'named',
      status: 'escalated',
      urgent: true,
      unit: { code: 'MSPAS-CENTRAL', name: 'Despacho Ministerial / Dirección General' },
      institution: { code: 'MSPAS', name: 'Ministerio de Salud Pública y Asistencia Social' },
      createdAt: now,
    })
    expect(detail.events.map((e) => [e.type, e.unit])).toEqual([
      ['created', null],
      ['routed', 'Dirección de Área de Salud Ixil'],
      ['escalated', 'Despacho Ministerial / Dirección General'],
    ])
  })

  it('holds no contact id, channel or anything else that points at the citizen', async () => {
    const detail = await getCase(database.db, code)
    const json = JSON.stringify(detail)
    expect(detail).not.toHaveProperty('contactId')
    expect(detail).not.toHaveProperty('channel')
    expect(json).not.toContain('50255551234')
    expect(json).not.toContain('whatsapp')
  })

  it('raises NotFoundError for a code that does not exist', async () => {
    await expect(getCase(database.db, 'ZZZZ-ZZZZ')).rejects.toThrow(NotFoundError)
    await expect(getCase(database.db, 'nonsense')).rejects.toThrow(NotFoundError)
  })
})
