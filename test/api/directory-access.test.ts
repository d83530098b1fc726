import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { routingRules, units } from '../../src/db/schema/index.js'
import { apiRequest } from '../support/api-request.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

type Who = 'admin' | 'institution A' | 'institution B' | 'observatory' | 'partner' | 'nobody'
const EVERYONE: Who[] = ['admin', 'institution A', 'institution B', 'observatory', 'partner', 'nobody']

/** Ids the requests refer to, found once the seed is loaded. */
type Fixture = { unitA: string; institutionA: string; unitB: string; freshUnit: () => Promise<string>; apiRule: () => Promise<string> }

type Endpoint = {
  method: string
  path: (f: Fixture) => Promise<string> | string
  body?: (n: number, f: Fixture) => unknown
  /** the status each caller gets; admin's is the success */
  expect: Record<Who, number>
}

const adminOnly = (success: number): Record<Who, number> => ({ admin: success, 'institution A': 403, 'institution B': 403, observatory: 403, partner: 403, nobody: 401 })
const ownUnits = (forB: number): Record<Who, number> => ({ admin: 200, 'institution A': 200, 'institution B': forB, observatory: 403, partner: 403, nobody: 401 })
const isoNow = () => new Date().toISOString()

const endpoints: Endpoint[] = [
  { method: 'GET', path: () => '/api/v1/institutions', expect: ownUnits(200) },
  { method: 'GET', path: (f) => `/api/v1/institutions/${f.institutionA}`, expect: ownUnits(404) },
  { method: 'POST', path: () => '/api/v1/institutions', body: (n) => ({ code: `TEST-INST-${n}`, name: 'Institución de prueba' }), expect: adminOnly(201) },
  { method: 'PATCH', path: (f) => `/api/v1/institutions/${f.institutionA}`, body: () => ({ name: 'Ministerio de Salud Pública y Asistencia Social' }), expect: adminOnly(200) },
  { method: 'GET', path: () => '/api/v1/units', expect: ownUnits(200) },
  { method: 'GET', path: (f) => `/api/v1/units/${f.unitA}`, expect: ownUnits(404) },
  { method: 'POST', path: () => '/api/v1/units', body: (n, f) => ({ code: `TEST-UNIT-${n}`, institutionId: f.institutionA, name: 'Distrito de prueba', parentId: f.unitA }), expect: adminOnly(201) },
  { method: 'PATCH', path: (f) => `/api/v1/units/${f.unitA}`, body: () => ({ name: 'Dirección de Área de Salud Ixil' }), expect: adminOnly(200) },
  { method: 'POST', path: async (f) => `/api/v1/units/${await f.freshUnit()}/close`, body: () => ({ validTo: isoNow() }), expect: adminOnly(200) },
  { method: 'POST', path: async (f) => `/api/v1/units/${await f.freshUnit()}/replace`, body: (n) => ({ code: `TEST-SUCCESSOR-${n}`, name: 'Sucesor' }), expect: adminOnly(201) },
  { method: 'GET', path: () => '/api/v1/rules', expect: adminOnly(200) },
  { method: 'GET', path: async (f) => `/api/v1/rules/${await f.apiRule()}`, expect: adminOnly(200) },
  { method: 'POST', path: () => '/api/v1/rules', body: (_, f) => ({ sector: 'health', municipalityCode: '1401', unitId: f.unitA, slaHours: 48 }), expect: adminOnly(201) },
  { method: 'PATCH', path: async (f) => `/api/v1/rules/${await f.apiRule()}`, body: () => ({ slaHours: 24 }), expect: adminOnly(200) },
  { method: 'DELETE', path: async (f) => `/api/v1/rules/${await f.apiRule()}`, expect: adminOnly(204) },
  { method: 'POST', path: () => '/api/v1/rules/dry-run', body: () => ({ sector: 'health', category: 'medicine_shortage', municipalityCode: '0108' }), expect: adminOnly(200) },
  { method: 'GET', path: () => '/api/v1/tokens', expect: adminOnly(200) },
  { method: 'POST', path: () => '/api/v1/tokens', body: (n) => ({ name: `observatorio ${n}`, role: 'observatory' }), expect: adminOnly(201) },
  { method: 'GET', path: () => '/api/v1/audit', expect: adminOnly(200) },
  { method: 'GET', path: () => '/api/v1/openapi.json', expect: { admin: 200, 'institution A': 200, 'institution B': 200, observatory: 200, partner: 200, nobody: 200 } },
  { method: 'GET', path: () => '/api/v1/docs', expect: { admin: 200, 'institution A': 200, 'institution B': 200, observatory: 200, partner: 200, nobody: 200 } },
]

describe.each(databaseKinds)('admin directory API access on %s', (kind) => {
  let database: Database
  let composed: Composed
  const tokens = new Map<Who, string>()
  let fixture: Fixture
  let counter = 0

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
    const byCode = async (code: string) => {
      const [unit] = await database.db.select().from(units).where(eq(units.code, code))
      if (!unit) throw new Error(`seed has no ${code}`)
      return unit
    }
    const a = await byCode('MSPAS-DAS-IXIL')
    const b = await byCode('MUNI-0108')
    tokens.set('admin', (await createToken(database.db, { name: 'admin', role: 'admin' })).token)
    tokens.set('institution A', (await createToken(database.db, { name: 'ixil', role: 'institution', unitIds: [a.id] })).token)
    tokens.set('institution B', (await createToken(database.db, { name: 'mixco', role: 'institution', unitIds: [b.id] })).token)
    tokens.set('observatory', (await createToken(database.db, { name: 'obs', role: 'observatory' })).token)
    tokens.set('partner', (await createToken(database.db, { name: 'partner', role: 'partner' })).token)
    fixture = {
      unitA: a.id,
      institutionA: a.institutionId,
      unitB: b.id,
      freshUnit: async () => {
        const [unit] = await database.db.insert(units).values({ code: `TEST-FRESH-${++counter}`, institutionId: a.institutionId, name: 'Temporal', validFrom: new Date('2020-01-01') }).returning()
        if (!unit) throw new Error('no unit')
        return unit.id
      },
      apiRule: async () => {
        const [rule] = await database.db.insert(routingRules).values({ sector: 'education', municipalityCode: '1401', unitId: a.id, slaHours: 100, source: 'api' }).returning()
        if (!rule) throw new Error('no rule')
        return rule.id
      },
    }
  })
  afterAll(async () => {
    await database.close()
  })

  const cases = endpoints.flatMap((endpoint) => EVERYONE.map((who) => ({ endpoint, who })))
  it.each(cases)('answers $who on $endpoint.method $endpoint.path as the role table says', async ({ endpoint, who }) => {
    const path = await endpoint.path(fixture)
    const response = await apiRequest(composed.app, endpoint.method, path, tokens.get(who), endpoint.body?.(++counter, fixture))
    expect({ who, path, status: response.status }).toEqual({ who, path, status: endpoint.expect[who] })
    if (response.status >= 400) expect(response.headers.get('content-type')).toBe('application/problem+json')
  })

  it('shows an institution token only its own units and institution', async () => {
    const list = async (who: Who, path: string) => (await (await apiRequest(composed.app, 'GET', path, tokens.get(who))).json()) as { items: { id: string }[] }
    expect((await list('institution A', '/api/v1/units')).items.map((u) => u.id)).toEqual([fixture.unitA])
    expect((await list('institution B', '/api/v1/units')).items.map((u) => u.id)).toEqual([fixture.unitB])
    expect((await list('institution A', '/api/v1/institutions')).items.map((i) => i.id)).toEqual([fixture.institutionA])
    expect((await list('admin', '/api/v1/units?limit=500')).items.length).toBeGreaterThan(400)
  })

  it('lists only the units in force at a given date', async () => {
    const closedId = await fixture.freshUnit()
    await apiRequest(composed.app, 'POST', `/api/v1/units/${closedId}/close`, tokens.get('admin'), { validTo: '2024-01-14T00:00:00-06:00' })
    const ids = async (query: string) =>
      ((await (await apiRequest(composed.app, 'GET', `/api/v1/units?institutionId=${fixture.institutionA}&limit=500${query}`, tokens.get('admin'))).json()) as { items: { id: string }[] }).items.map((u) => u.id)
    expect(await ids('&activeAt=2023-06-01T00:00:00Z')).toContain(closedId)
    expect(await ids(`&activeAt=${encodeURIComponent(isoNow())}`)).not.toContain(closedId)
    expect(await ids('')).toContain(closedId)
  })

  it('records every admin write with who, what and when, readable page by page and filtered', async () => {
    const admin = tokens.get('admin')
    const read = async (query: string) =>
      (await (await apiRequest(composed.app, 'GET', `/api/v1/audit${query}`, admin)).json()) as { items: { actor: string; action: string; entity: string; at: string }[]; nextCursor: string | null }
    const unitEntries = await read('?entity=unit&limit=200')
    expect(new Set(unitEntries.items.map((e) => e.action))).toEqual(new Set(['create', 'update', 'close', 'replace']))
    expect(unitEntries.items.every((e) => e.actor === 'token:admin' && !Number.isNaN(Date.parse(e.at)))).toBe(true)
    for (const entity of ['institution', 'rule', 'token']) expect((await read(`?entity=${entity}`)).items.length).toBeGreaterThan(0)
    expect((await read('?actor=token:ixil')).items).toEqual([])

    const first = await read('?limit=2')
    expect(first.items).toHaveLength(2)
    if (!first.nextCursor) throw new Error('expected a second page')
    const second = await read(`?limit=2&cursor=${first.nextCursor}`)
    expect(second.items).toHaveLength(2)
    expect(second.items).not.toContainEqual(first.items[0])
  })
})
