import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { routingRules, units } from '../../src/db/schema/index.js'
import { apiRequest } from '../support/api-request.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

type DryRun = {
  unit: { code: string } | null
  institution: { code: string } | null
  rule: { id: string } | null
  slaHours: number | null
  dueAt: string | null
  reason: string
  candidates: { rule: { id: string }; unit: { code: string }; specificity: number; lostBecause: string | null }[]
}

describe.each(databaseKinds)('routing rules API and dry run on %s', (kind) => {
  let database: Database
  let composed: Composed
  let admin: string
  const now = new Date('2026-11-25T15:00:00Z')

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database, () => now)
    admin = (await createToken(database.db, { name: 'admin', role: 'admin' })).token
  })
  afterAll(async () => {
    await database.close()
  })

  const unitId = async (code: string) => {
    const [unit] = await database.db.select().from(units).where(eq(units.code, code))
    if (!unit) throw new Error(`no unit ${code}`)
    return unit.id
  }
  const createRule = async (body: Record<string, unknown>) => {
    const response = await apiRequest(composed.app, 'POST', '/api/v1/rules', admin, body)
    const json = (await response.json()) as { id: string; source: string; detail?: string }
    expect({ status: response.status, detail: json.detail }).toEqual({ status: 201, detail: undefined })
    return json
  }
  const dryRun = async () =>
    (await (await apiRequest(composed.app, 'POST', '/api/v1/rules/dry-run', admin, { sector: 'health', category: 'medicine_shortage', municipalityCode: '0108' })).json()) as DryRun

  it('sends a medicines complaint in Mixco to its health area and says why', async () => {
    const result = await dryRun()
    expect(result).toMatchObject({ unit: { code: 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE' }, institution: { code: 'MSPAS' }, slaHours: 72, dueAt: '2026-11-28T15:00:00.000Z' })
    expect(result.reason).toContain('0108')
    expect(result.candidates.map((c) => c.specificity)).toEqual([2, 0])
    expect(result.candidates[1]?.lostBecause).toMatch(/less specific/)
  })

  it('ranks municipality and category above department and category, and a higher priority first on a tie', async () => {
    const municipal = await unitId('MUNI-0108')
    const ministry = await unitId('MSPAS-CENTRAL')
    const department = await createRule({ sector: 'health', category: 'medicine_shortage', departmentCode: '01', unitId: ministry, slaHours: 48 })
    const low = await createRule({ sector: 'health', category: 'medicine_shortage', municipalityCode: '0108', unitId: ministry, slaHours: 24 })
    const high = await createRule({ sector: 'health', category: 'medicine_shortage', municipalityCode: '0108', unitId: municipal, slaHours: 12, priority: 5, note: 'Farmacia municipal' })
    expect(high.source).toBe('api')

    const result = await dryRun()
    expect(result).toMatchObject({ unit: { code: 'MUNI-0108' }, rule: { id: high.id }, slaHours: 12, dueAt: '2026-11-26T03:00:00.000Z' })
    expect(result.reason).toContain('Farmacia municipal')
    const ids = result.candidates.map((c) => c.rule.id)
    expect(ids.slice(0, 2)).toEqual([high.id, low.id])
    expect(ids.indexOf(department.id)).toBeLessThan(ids.length - 1)
    const why = new Map(result.candidates.map((c) => [c.rule.id, c.lostBecause]))
    expect(why.get(high.id)).toBeNull()
    expect(why.get(low.id)).toMatch(/lower priority \(0 against 5\)/)
    expect(why.get(department.id)).toMatch(/less specific/)
  })

  it('changes and deletes rules made through the API but refuses to touch seed rules', async () => {
    const created = await createRule({ sector: 'education', municipalityCode: '0108', unitId: await unitId('MUNI-0108'), slaHours: 200 })
    const patched = await apiRequest(composed.app, 'PATCH', `/api/v1/rules/${created.id}`, admin, { slaHours: 100 })
    expect(await patched.json()).toMatchObject({ slaHours: 100, priority: 0, municipalityCode: '0108' })
    expect((await apiRequest(composed.app, 'DELETE', `/api/v1/rules/${created.id}`, admin)).status).toBe(204)
    expect((await apiRequest(composed.app, 'GET', `/api/v1/rules/${created.id}`, admin)).status).toBe(404)

    const [seedRule] = await database.db.select().from(routingRules).where(eq(routingRules.source, 'seed')).limit(1)
    if (!seedRule) throw new Error('no seed rule')
    const refused = await apiRequest(composed.app, 'PATCH', `/api/v1/rules/${seedRule.id}`, admin, { slaHours: 1 })
    expect(refused.status).toBe(409)
    expect(((await refused.json()) as { detail: string }).detail).toMatch(/seed file/)
    expect((await apiRequest(composed.app, 'DELETE', `/api/v1/rules/${seedRule.id}`, admin)).status).toBe(409)
  })

  it('refuses a rule for an unknown category, a municipality outside its department or a closed unit', async () => {
    const mixco = await unitId('MUNI-0108')
    const bad = async (body: Record<string, unknown>) => (await apiRequest(composed.app, 'POST', '/api/v1/rules', admin, { sector: 'health', unitId: mixco, slaHours: 10, ...body })).status
    expect(await bad({ category: 'not_a_category' })).toBe(422)
    expect(await bad({ departmentCode: '02', municipalityCode: '0108' })).toBe(422)
    expect(await bad({ slaHours: 0 })).toBe(400)
    await database.db.update(units).set({ validTo: new Date('2026-01-01T00:00:00Z') }).where(eq(units.code, 'MUNI-0101'))
    expect(await bad({ unitId: await unitId('MUNI-0101') })).toBe(422)
  })
})
