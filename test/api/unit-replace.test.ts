import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { apiTokens, auditLog, caseEvents, cases, contacts, routingRules, staffSubscriptions, units } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { apiRequest } from '../support/api-request.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

describe.each(databaseKinds)('replacing a unit after an election on %s', (kind) => {
  let database: Database
  let composed: Composed
  let admin: string

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
    admin = (await createToken(database.db, { name: 'Ana', role: 'admin' })).token
  })
  afterAll(async () => {
    await database.close()
  })

  const unitByCode = async (code: string) => {
    const [unit] = await database.db.select().from(units).where(eq(units.code, code))
    if (!unit) throw new Error(`no unit ${code}`)
    return unit
  }
  const addCase = async (code: string, unitId: string, status: 'routed' | 'in_progress' | 'resolved') =>
    database.db.insert(cases).values({ code, sector: 'cash_transfer', category: 'payment_missing', municipalityCode: '0108', facility: '', description: 'x', identityMode: 'anonymous', status, unitId })

  it('opens the successor, closes the old unit, moves its rules and its open cases with an event each', async () => {
    const old = await unitByCode('MIDES-MIFAPRO-01')
    const rulesBefore = await database.db.select().from(routingRules).where(eq(routingRules.unitId, old.id))
    expect(rulesBefore.length).toBeGreaterThan(0)
    await addCase('AAAA-2222', old.id, 'routed')
    await addCase('AAAA-3333', old.id, 'in_progress')
    await addCase('AAAA-4444', old.id, 'resolved')

    const response = await apiRequest(composed.app, 'POST', `/api/v1/units/${old.id}/replace`, admin, {
      code: 'MIDES-MIFAPRO-01-2028',
      name: 'Oficina MIFAPRO Guatemala 2028-2032',
      moveOpenCases: true,
      note: 'Nuevas autoridades',
    })
    expect(response.status).toBe(201)
    const body = (await response.json()) as { successor: { id: string; institutionId: string; validFrom: string }; predecessor: { validTo: string }; rulesMoved: number; casesMoved: number }
    expect(body).toMatchObject({ rulesMoved: rulesBefore.length, casesMoved: 2, successor: { institutionId: old.institutionId } })
    expect(body.predecessor.validTo).toBe(body.successor.validFrom)

    expect(await database.db.select().from(routingRules).where(eq(routingRules.unitId, old.id))).toHaveLength(0)
    const moved = await database.db.select({ code: cases.code, unitId: cases.unitId, status: cases.status }).from(cases).orderBy(cases.code)
    expect(moved).toEqual([
      { code: 'AAAA-2222', unitId: body.successor.id, status: 'routed' },
      { code: 'AAAA-3333', unitId: body.successor.id, status: 'in_progress' },
      { code: 'AAAA-4444', unitId: old.id, status: 'resolved' },
    ])
    const events = await database.db.select().from(caseEvents).where(eq(caseEvents.type, 'reassigned'))
    expect(events.map((e) => ({ actor: e.actor, unitId: e.unitId, note: e.note }))).toEqual([
      { actor: 'token:Ana', unitId: body.successor.id, note: 'Nuevas autoridades' },
      { actor: 'token:Ana', unitId: body.successor.id, note: 'Nuevas autoridades' },
    ])

    const dryRun = await apiRequest(composed.app, 'POST', '/api/v1/rules/dry-run', admin, { sector: 'cash_transfer', category: 'payment_missing', municipalityCode: '0108' })
    const routed = (await dryRun.json()) as { unit: { code: string } | null; candidates: { unit: { code: string } }[] }
    expect(routed.candidates.map((c) => c.unit.code)).not.toContain('MIDES-MIFAPRO-01')
  })

  it("carries the old unit's staff chats and token scopes to the successor, unless the admin says not to, and audits it", async () => {
    const old = await unitByCode('MIDES-MIFAPRO-02')
    const [chat] = await database.db.insert(contacts).values({ channel: 'telegram', channelUserId: 'vocal-mifapro-02', locale: 'es' }).returning()
    if (!chat) throw new Error('no contact')
    await database.db.insert(staffSubscriptions).values({ contactId: chat.id, unitId: old.id })
    const office = await createToken(database.db, { name: 'mifapro-02', role: 'institution', unitIds: [old.id] })

    const response = await apiRequest(composed.app, 'POST', `/api/v1/units/${old.id}/replace`, admin, { code: 'MIDES-MIFAPRO-02-2028', name: 'Oficina MIFAPRO 02 2028-2032' })
    expect(response.status).toBe(201)
    const body = (await response.json()) as { successor: { id: string }; staffLinksMoved: number; tokensUpdated: number }
    expect(body).toMatchObject({ staffLinksMoved: 1, tokensUpdated: 1 })
    const links = await database.db.select().from(staffSubscriptions).where(eq(staffSubscriptions.contactId, chat.id))
    expect(links.map((link) => link.unitId).sort()).toEqual([old.id, body.successor.id].sort())
    const [token] = await database.db.select().from(apiTokens).where(eq(apiTokens.id, office.id))
    expect(token?.unitIds).toEqual([old.id, body.successor.id])
    const [audit] = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'replace'), eq(auditLog.entityId, old.id)))
    expect(audit?.details).toMatchObject({ staffLinksMoved: 1, tokensUpdated: 1 })

    const other = await unitByCode('MIDES-MIFAPRO-03')
    await database.db.insert(staffSubscriptions).values({ contactId: chat.id, unitId: other.id })
    const kept = await apiRequest(composed.app, 'POST', `/api/v1/units/${other.id}/replace`, admin, { code: 'MIDES-MIFAPRO-03-2028', name: 'Oficina 03', moveStaffLinks: false, moveTokenScopes: false })
    expect(await kept.json()).toMatchObject({ staffLinksMoved: 0, tokensUpdated: 0 })
  })

  it('keeps the replacement across a restart that reloads the seed', async () => {
    const old = await unitByCode('MIDES-MIFAPRO-01')
    const successor = await unitByCode('MIDES-MIFAPRO-01-2028')
    await seedDatabase(database.db)
    expect(await database.db.select().from(routingRules).where(eq(routingRules.unitId, old.id))).toHaveLength(0)
    expect((await database.db.select().from(routingRules).where(eq(routingRules.unitId, successor.id))).length).toBeGreaterThan(0)
    expect((await unitByCode('MIDES-MIFAPRO-01')).validTo).not.toBeNull()
  })

  it('refuses to replace a closed unit, to reuse a code, or to close a unit that rules still point at', async () => {
    const old = await unitByCode('MIDES-MIFAPRO-01')
    const again = await apiRequest(composed.app, 'POST', `/api/v1/units/${old.id}/replace`, admin, { code: 'MIDES-MIFAPRO-01-X', name: 'x' })
    expect(again.status).toBe(409)
    const ixil = await unitByCode('MSPAS-DAS-IXIL')
    const taken = await apiRequest(composed.app, 'POST', `/api/v1/units/${ixil.id}/replace`, admin, { code: 'MIDES-MIFAPRO-01-2028', name: 'x' })
    expect(taken.status).toBe(409)
    const close = await apiRequest(composed.app, 'POST', `/api/v1/units/${ixil.id}/close`, admin, { validTo: new Date().toISOString() })
    expect(close.status).toBe(409)
    expect(((await close.json()) as { detail: string }).detail).toMatch(/routing rule/)
  })

  it('refuses a parent that would make the escalation ladder loop, or that does not exist', async () => {
    const central = await unitByCode('MSPAS-CENTRAL')
    const ixil = await unitByCode('MSPAS-DAS-IXIL')
    const loop = await apiRequest(composed.app, 'PATCH', `/api/v1/units/${central.id}`, admin, { parentId: ixil.id })
    expect(loop.status).toBe(422)
    expect(((await loop.json()) as { detail: string }).detail).toMatch(/loop/)
    const unknown = await apiRequest(composed.app, 'PATCH', `/api/v1/units/${ixil.id}`, admin, { parentId: '00000000-0000-4000-8000-000000000000' })
    expect(unknown.status).toBe(422)
  })
})
