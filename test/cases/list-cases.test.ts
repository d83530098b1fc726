import { eq, inArray, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CaseDraft, type ListCasesOptions, ValidationError, createCase, listCases } from '../../src/cases/index.js'
import type { Database } from '../../src/db/client.js'
import { cases, units } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const base: CaseDraft = {
  sector: 'health',
  category: 'closed',
  department: '01',
  municipality: '0108',
  facility: 'Puesto de salud',
  description: 'Cerrado en horario de atención.',
  identity: 'anonymous',
}
const drafts: CaseDraft[] = [
  base,
  { ...base, municipality: '0101' },
  { ...base, sector: 'education', category: 'teacher_absent' },
  { ...base, department: '09', municipality: '0901' },
  { ...base, sector: 'cash_transfer', category: 'removed' },
  base,
  { ...base, municipality: '0115' },
]

describe.each(databaseKinds)('listCases on %s', (kind) => {
  let database: Database
  /** codes in creation order */
  const codes: string[] = []
  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db)
    for (const [i, draft] of drafts.entries()) {
      const now = new Date(Date.UTC(2026, 10, 20, 12, i))
      const created = await database.db.transaction((tx) => createCase(tx, draft, { now, contactId: null, channel: null, locale: 'es' }))
      codes.push(created.code)
    }
    // Three cases within the same millisecond, as a busy server would write them: only the
    // microseconds (and then the id) tell them apart.
    await database.db
      .update(cases)
      .set({ createdAt: sql`'2026-11-20 12:10:00.123456+00'::timestamptz` })
      .where(inArray(cases.code, codes.slice(4, 7)))
  })
  afterAll(async () => {
    await database.close()
  })

  const allPages = async (options: ListCasesOptions) => {
    const seen: string[] = []
    let cursor: string | undefined
    for (let page = 0; page < 20; page++) {
      const result = await listCases(database.db, { ...options, ...(cursor && { cursor }) })
      expect(result.items.length).toBeLessThanOrEqual(options.limit ?? 50)
      seen.push(...result.items.map((item) => item.code))
      if (result.nextCursor === null) return seen
      cursor = result.nextCursor
    }
    throw new Error('the cursor never ran out')
  }

  it('lists newest first, with a summary of each case and no contact fields', async () => {
    const { items, nextCursor } = await listCases(database.db)
    expect(items).toHaveLength(7)
    expect(nextCursor).toBeNull()
    expect(items.map((i) => i.code).slice(3)).toEqual([codes[3], codes[2], codes[1], codes[0]])
    expect(items.at(-1)).toEqual({
      code: codes[0],
      identityMode: 'anonymous',
      pseudonym: null,
      sector: 'health',
      category: 'closed',
      departmentCode: '01',
      municipalityCode: '0108',
      municipality: 'Mixco',
      status: 'routed',
      urgent: false,
      needsListening: false,
      unit: 'Dirección de Área de Salud Guatemala Nor Occidente',
      institution: 'Ministerio de Salud Pública y Asistencia Social',
      assignee: null,
      dueAt: new Date(Date.UTC(2026, 10, 23, 12, 0)),
      // a third of the 72 hours to resolve: 24 to acknowledge
      responseDueAt: new Date(Date.UTC(2026, 10, 21, 12, 0)),
      respondedAt: null,
      createdAt: new Date(Date.UTC(2026, 10, 20, 12, 0)),
      updatedAt: new Date(Date.UTC(2026, 10, 20, 12, 0)),
    })
  })

  it('walks every case exactly once, page by page, even across rows created in the same millisecond', async () => {
    const everything = (await listCases(database.db)).items.map((i) => i.code)
    for (const limit of [1, 2, 3]) expect(await allPages({ limit })).toEqual(everything)
  })

  it('filters by status, sector, municipality and the units an institution may see', async () => {
    const codesOf = async (options: ListCasesOptions) => (await listCases(database.db, options)).items.map((i) => i.code).sort()
    expect(await codesOf({ sector: 'education' })).toEqual([codes[2]])
    expect(await codesOf({ municipality: '0901' })).toEqual([codes[3]])
    expect(await codesOf({ status: 'resolved' })).toEqual([])
    expect(await codesOf({ sector: 'health', municipality: '0108', limit: 1 })).toHaveLength(1)
    const [xela] = await database.db.select().from(units).where(eq(units.code, 'MSPAS-DAS-QUETZALTENANGO'))
    expect(await codesOf({ unitIds: [xela?.id ?? ''] })).toEqual([codes[3]])
    expect(await codesOf({ unitIds: [] })).toEqual([])
  })

  it('rejects a cursor it did not write', async () => {
    await expect(listCases(database.db, { cursor: 'not-a-cursor' })).rejects.toThrow(ValidationError)
    const forged = Buffer.from(JSON.stringify(['yesterday; drop table cases', '00000000-0000-0000-0000-000000000000'])).toString('base64url')
    await expect(listCases(database.db, { cursor: forged })).rejects.toThrow(ValidationError)
  })
})
