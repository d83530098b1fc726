import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CaseDraft, NoRouteError, ValidationError, createCase, loadActiveRules } from '../../src/cases/index.js'
import type { Database } from '../../src/db/client.js'
import { caseEvents, cases, contacts, units } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

// 21:00 on 25 November in Guatemala, already the 26th in UTC: due dates must use Guatemala's day.
const now = new Date('2026-11-26T03:00:00Z')
const hours = (n: number) => new Date(now.getTime() + n * 3_600_000)

const mixcoHealth: CaseDraft = {
  sector: 'health',
  category: 'medicine_shortage',
  department: '01',
  municipality: '0108',
  facility: 'Centro de Salud de Mixco',
  description: 'No hay amoxicilina desde hace un mes.',
  identity: 'confidential',
}

describe.each(databaseKinds)('createCase on %s', (kind) => {
  let database: Database
  let contactId: string
  let unitCode: (id: string | null) => string | undefined
  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db)
    const [contact] = await database.db.insert(contacts).values({ channel: 'telegram', channelUserId: '424242' }).returning()
    contactId = contact?.id ?? ''
    const rows = await database.db.select({ id: units.id, code: units.code }).from(units)
    const codes = new Map(rows.map((r) => [r.id, r.code]))
    unitCode = (id) => (id === null ? undefined : codes.get(id))
  })
  afterAll(async () => {
    await database.close()
  })

  const create = (draft: CaseDraft, extra: Partial<Parameters<typeof createCase>[2]> = {}) =>
    database.db.transaction((tx) => createCase(tx, draft, { now, contactId, channel: 'telegram', locale: 'es', ...extra }))
  const stored = async (code: string) => {
    const [row] = await database.db.select().from(cases).where(eq(cases.code, code))
    if (!row) throw new Error(`case ${code} not stored`)
    const events = await database.db.select().from(caseEvents).where(eq(caseEvents.caseId, row.id)).orderBy(asc(caseEvents.id))
    return { row, events }
  }

  it('routes a medicine shortage in Mixco to its health area and tells the citizen the due day in Guatemala', async () => {
    const result = await create(mixcoHealth)
    expect(result).toEqual({
      code: expect.stringMatching(/^[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}$/),
      institution: 'Dirección de Área de Salud Guatemala Nor Occidente (Ministerio de Salud Pública y Asistencia Social)',
      unit: 'Dirección de Área de Salud Guatemala Nor Occidente',
      dueDate: '2026-11-28',
      // the hour too, Guatemala time (UTC-6)
      dueTime: '21:00',
      urgent: false,
    })
    const { row } = await stored(result.code)
    expect(row).toMatchObject({ status: 'routed', urgent: false, contactId, channel: 'telegram', identityMode: 'confidential', locale: 'es' })
    expect(unitCode(row.unitId)).toBe('MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')
    expect(row.dueAt).toEqual(hours(72))
    expect(row.createdAt).toEqual(now)
  })

  it('writes a public created event and a public routed event that gives the reason', async () => {
    const { code } = await create(mixcoHealth)
    const { row, events } = await stored(code)
    expect(events.map((e) => [e.type, e.actor, e.fromStatus, e.toStatus, e.public])).toEqual([
      ['created', 'citizen', null, 'received', true],
      ['routed', 'system', 'received', 'routed', true],
    ])
    expect(events[1]).toMatchObject({ unitId: row.unitId, note: 'Regla de salud en el municipio 0108.', at: now })
  })

  it('keeps no link to the contact when the citizen chose to stay anonymous', async () => {
    const { code } = await create({ ...mixcoHealth, identity: 'anonymous' })
    const { row } = await stored(code)
    expect(row.contactId).toBeNull()
    expect(row.identityMode).toBe('anonymous')
  })

  it('gives an education complaint the five-day deadline of its sector', async () => {
    const result = await create({ ...mixcoHealth, sector: 'education', category: 'school_meals' })
    expect(result).toMatchObject({
      institution: 'Dirección Departamental de Educación Guatemala Norte (Ministerio de Educación)',
      unit: 'Dirección Departamental de Educación Guatemala Norte',
    })
    expect((await stored(result.code)).row.dueAt).toEqual(hours(120))
  })

  it('escalates a life-at-risk case at once to the unit above, urgent and due within a day', async () => {
    const result = await create({ ...mixcoHealth, category: 'life_at_risk' })
    expect(result).toMatchObject({ unit: 'Despacho Ministerial / Dirección General', urgent: true, dueDate: '2026-11-26' })
    const { row, events } = await stored(result.code)
    expect(row).toMatchObject({ status: 'escalated', urgent: true, dueAt: hours(24) })
    expect(unitCode(row.unitId)).toBe('MSPAS-CENTRAL')
    expect(events.map((e) => e.type)).toEqual(['created', 'routed', 'escalated'])
    expect(unitCode(events[1]?.unitId ?? null)).toBe('MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')
    expect(events[2]).toMatchObject({ fromStatus: 'routed', toStatus: 'escalated', unitId: row.unitId, public: true })
    expect(events[2]?.note).toContain('Riesgo para la vida')
  })

  it('leaves a life-at-risk case routed, still urgent, when its unit is already the top of the ladder', async () => {
    const catchAllsOnly = (await loadActiveRules(database.db)).filter((r) => r.departmentCode === null && r.municipalityCode === null)
    const result = await create({ ...mixcoHealth, sector: 'cash_transfer', category: 'life_at_risk' }, { rules: catchAllsOnly })
    const { row, events } = await stored(result.code)
    expect(row).toMatchObject({ status: 'routed', urgent: true, dueAt: hours(24) })
    expect(unitCode(row.unitId)).toBe('MIDES-CENTRAL')
    expect(events.map((e) => e.type)).toEqual(['created', 'routed'])
  })

  it('draws another tracking code when the first is already taken', async () => {
    const first = await create(mixcoHealth)
    const codes = [first.code, 'ZZZZ-2222']
    const second = await create(mixcoHealth, { newCode: () => codes.shift() ?? 'YYYY-3333' })
    expect(second.code).toBe('ZZZZ-2222')
  })

  it('rejects a municipality that is not in the chosen department', async () => {
    await expect(create({ ...mixcoHealth, department: '09' })).rejects.toThrow(ValidationError)
    await expect(create({ ...mixcoHealth, municipality: '0199' })).rejects.toThrow(/unknown municipality 0199/)
  })

  it('rejects a category of another sector but accepts one that applies to any sector', async () => {
    await expect(create({ ...mixcoHealth, category: 'school_meals' })).rejects.toThrow(/unknown category school_meals for sector health/)
    await expect(create({ ...mixcoHealth, category: 'corruption' })).resolves.toMatchObject({ urgent: false })
  })

  it('refuses to store a case that no rule routes, rather than leave it without a unit', async () => {
    await expect(create(mixcoHealth, { rules: [] })).rejects.toThrow(NoRouteError)
  })
})
