import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import { CaseDetailSchema, CasePageSchema } from '../../src/api/case-schemas.js'
import { csvCell } from '../../src/cases/cases-csv.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { type Role, auditLog, outbox, staffSubscriptions } from '../../src/db/schema/index.js'
import { caseRow, fileCase, newContact, unitId } from '../cases/case-fixture.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const now = new Date('2026-11-25T15:00:00Z')
const dayMs = 86_400_000

describe('csvCell', () => {
  it('defuses what a spreadsheet would run as a formula and quotes every cell', () => {
    expect(csvCell('=HYPERLINK("http://x","clic")')).toBe(`"'=HYPERLINK(""http://x"",""clic"")"`)
    for (const start of ['+', '-', '@', '\t']) expect(csvCell(`${start}1`)).toBe(`"'${start}1"`)
    expect(csvCell('Centro de Salud')).toBe('"Centro de Salud"')
    expect(csvCell(null)).toBe('""')
  })
})

describe.each(databaseKinds)('listing, exporting and assigning cases on %s', (kind) => {
  let database: Database
  let composed: Composed
  let norOccidente: string
  const tokens = {} as Record<'admin' | 'area' | 'otherArea', string>
  const codes = {} as Record<'phone' | 'formula' | 'urgent' | 'old' | 'xela', string>

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database, () => now)
    norOccidente = await unitId(database, 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')
    const token = async (name: string, role: Role, unitIds: string[] = []) => (await createToken(database.db, { name, role, unitIds })).token
    tokens.admin = await token('admin', 'admin')
    tokens.area = await token('Ana Pérez', 'institution', [norOccidente])
    tokens.otherArea = await token('das-ixil', 'institution', [await unitId(database, 'MSPAS-DAS-IXIL')])
    const named = await newContact(database, 'listing-named')
    codes.phone = (await fileCase(database, { now, contactId: named.id, draft: { description: 'Sin amoxicilina; llámeme al 5555-1234 por favor.' } })).code
    codes.formula = (await fileCase(database, { now, draft: { facility: '=HYPERLINK("http://malo.example","ver")', description: 'No hay atención en la farmacia.' } })).code
    codes.urgent = (await fileCase(database, { now, draft: { category: 'life_at_risk', description: 'Una paciente grave sin atención.' } })).code
    codes.old = (await fileCase(database, { now: new Date(now.getTime() - 10 * dayMs), draft: { description: 'Falta de medicina hace tiempo.' } })).code
    codes.xela = (await fileCase(database, { now, draft: { department: '09', municipality: '0901', description: 'No hay medicina en Xela.' } })).code
  })
  afterAll(async () => {
    await database.close()
  })

  const call = (token: string, method: 'GET' | 'POST', path: string, body?: unknown, headers: Record<string, string> = {}) =>
    composed.app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const listed = async (token: string, query: string) => {
    const response = await call(token, 'GET', `/api/v1/cases?${query}`)
    expect(response.status, query).toBe(200)
    return ((await response.json()) as { items: { code: string }[] }).items.map((item) => item.code)
  }

  it('answers the list and a case in the shapes the OpenAPI document gives', async () => {
    CasePageSchema.parse(await (await call(tokens.area, 'GET', '/api/v1/cases')).json())
    CaseDetailSchema.parse(await (await call(tokens.area, 'GET', `/api/v1/cases/${codes.phone}`)).json())
  })

  it('refuses an unknown filter with a 400 that names it, instead of listing everything', async () => {
    const response = await call(tokens.admin, 'GET', '/api/v1/cases?texto=amoxicilina')
    expect(response.status).toBe(400)
    expect(((await response.json()) as { detail: string }).detail).toContain('texto')
  })

  it('filters by department, category, date range, urgency, overdue and words', async () => {
    expect(await listed(tokens.admin, 'department=09')).toEqual([codes.xela])
    expect(await listed(tokens.admin, 'category=life_at_risk')).toEqual([codes.urgent])
    expect(await listed(tokens.admin, 'urgent=true')).toEqual([codes.urgent])
    const early = new Date(now.getTime() - 10 * dayMs).toISOString().slice(0, 10)
    expect(await listed(tokens.admin, `from=${early}&to=${early}`)).toEqual([codes.old])
    // filed ten days ago with 72 hours: past its resolution deadline
    expect(await listed(tokens.admin, 'overdue=true')).toEqual([codes.old])
    expect(await listed(tokens.admin, 'overdue=false&department=01')).not.toContain(codes.old)
    // accents and case do not matter
    expect((await listed(tokens.admin, 'q=ATENCION')).sort()).toEqual([codes.formula, codes.urgent].sort())
  })

  it('searches the masked text for an institution token, so it cannot find what the mask hides', async () => {
    expect(await listed(tokens.admin, 'q=5555-1234')).toEqual([codes.phone])
    expect(await listed(tokens.area, 'q=5555-1234')).toEqual([])
    expect(await listed(tokens.area, 'q=amoxicilina')).toEqual([codes.phone])
  })

  it('exports the same list as CSV, in scope, masked for institutions, with formulas defused', async () => {
    const byAccept = await call(tokens.area, 'GET', '/api/v1/cases?department=01', undefined, { accept: 'text/csv' })
    expect(byAccept.status).toBe(200)
    expect(byAccept.headers.get('content-type')).toContain('text/csv')
    const csv = await byAccept.text()
    const [header, ...lines] = csv.trim().split('\r\n')
    expect(header).toContain('code,createdAt,status')
    expect(lines.some((line) => line.includes(codes.phone))).toBe(true)
    // the Xela case is another area's: not in this token's export
    expect(csv).not.toContain(codes.xela)
    expect(csv).not.toContain('5555-1234')
    expect(csv).toContain(`"'=HYPERLINK(`)
    const admin = await (await call(tokens.admin, 'GET', '/api/v1/cases?format=csv')).text()
    expect(admin).toContain('5555-1234')
    expect(admin).toContain(codes.xela)
    const [audit] = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'export'), eq(auditLog.actor, 'token:Ana Pérez')))
    expect(audit).toBeDefined()
  })

  it('assigns a case to a person of its unit, shows it in the case, and alerts the unit', async () => {
    const staff = await newContact(database, 'listing-staff')
    await database.db.insert(staffSubscriptions).values({ contactId: staff.id, unitId: norOccidente })
    const assigned = await call(tokens.area, 'POST', `/api/v1/cases/${codes.phone}/assign`, { assignee: 'token:Ana Pérez' })
    expect(assigned.status).toBe(200)
    expect((await caseRow(database, codes.phone)).assignee).toBe('token:Ana Pérez')
    const detail = (await (await call(tokens.area, 'GET', `/api/v1/cases/${codes.phone}`)).json()) as { assignee: string }
    expect(detail.assignee).toBe('token:Ana Pérez')
    const alerts = await database.db.select().from(outbox).where(eq(outbox.address, 'listing-staff'))
    expect(alerts.map((row) => JSON.stringify(row.body)).join()).toContain(`quedó asignado a Ana Pérez`)
    expect(await listed(tokens.area, `assignee=${encodeURIComponent('token:Ana Pérez')}`)).toEqual([codes.phone])

    // to the staff chat of the unit, and never to someone outside it
    expect((await call(tokens.area, 'POST', `/api/v1/cases/${codes.phone}/assign`, { assignee: `staff:${staff.id}` })).status).toBe(200)
    expect((await call(tokens.area, 'POST', `/api/v1/cases/${codes.phone}/assign`, { assignee: 'token:das-ixil' })).status).toBe(422)

    // later alerts of the case say who has it
    expect((await call(tokens.area, 'POST', `/api/v1/cases/${codes.phone}/assign`, { assignee: 'token:Ana Pérez' })).status).toBe(200)
    expect((await call(tokens.area, 'POST', `/api/v1/cases/${codes.phone}/transition`, { to: 'resolved' })).status).toBe(200)
    expect((await call(tokens.area, 'POST', `/api/v1/cases/${codes.phone}/transition`, { to: 'reopened' })).status).toBe(200)
    const reopened = (await database.db.select().from(outbox).where(eq(outbox.address, 'listing-staff'))).map((row) => JSON.stringify(row.body)).filter((text) => text.includes('se abrió de nuevo'))
    expect(reopened).toHaveLength(1)
    expect(reopened[0]).toContain('Lo trabaja: Ana Pérez.')
  })

  it('lets an institution token pass a case only to units of its own institution', async () => {
    const mineduc = await unitId(database, 'MINEDUC-DIDEDUC-01-NORTE')
    const sur = await unitId(database, 'MSPAS-DAS-GUATEMALA-SUR')
    const code = (await fileCase(database, { now })).code
    const refused = await call(tokens.area, 'POST', `/api/v1/cases/${code}/reassign`, { unitId: mineduc, note: 'Es de educación' })
    expect(refused.status).toBe(403)
    expect((await caseRow(database, code)).unitId).toBe(norOccidente)
    const bulk = await call(tokens.area, 'POST', '/api/v1/cases/bulk-move', { fromUnitId: norOccidente, toUnitId: mineduc, note: 'x' })
    expect(bulk.status).toBe(403)
    expect((await call(tokens.area, 'POST', `/api/v1/cases/${code}/reassign`, { unitId: sur, note: 'Es de Villa Nueva' })).status).toBe(200)
    // an admin may send it anywhere
    expect((await call(tokens.admin, 'POST', `/api/v1/cases/${code}/reassign`, { unitId: mineduc, note: 'Es de educación' })).status).toBe(200)
  })
})
