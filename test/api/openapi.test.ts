import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { createToken } from '../../src/auth/tokens.js'
import { allOperations } from '../../src/api/openapi/registry.js'
import { buildPublication } from '../../src/stats/publication/build-publication.js'
import { samplePollInput } from '../polls/fixtures.js'
import { AFTER, sampleBallot, seedClosedPoll } from '../polls/seed-poll.js'
import { fileCases, moveCase } from '../stats/seed-stats-cases.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const DocumentSchema = z.object({
  openapi: z.string(),
  paths: z.record(z.string(), z.record(z.string(), z.looseObject({ responses: z.record(z.string(), z.unknown()), security: z.array(z.unknown()).optional() }))),
  components: z.looseObject({ securitySchemes: z.looseObject({ bearer: z.looseObject({ scheme: z.literal('bearer') }) }) }),
})

describe('the OpenAPI document', () => {
  let database: Database
  let composed: Composed
  beforeAll(async () => {
    database = await freshDatabase('pglite')
    composed = await testApp(database)
  })
  afterAll(async () => {
    await database.close()
  })

  it('describes every route mounted under /api/v1, with its method', async () => {
    const document = DocumentSchema.parse(await (await composed.app.request('/api/v1/openapi.json')).json())
    expect(document.openapi).toBe('3.1.0')
    const documented = new Set(Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`)))
    const mounted = composed.app.routes
      .filter((route) => route.path.startsWith('/api/v1/') && route.method !== 'ALL')
      .map((route) => `${route.method} ${route.path.replace(/\/$/, '').replace(/:(\w+)/g, '{$1}')}`)
    expect(mounted.length).toBeGreaterThan(20)
    expect([...new Set(mounted)].filter((route) => !documented.has(route))).toEqual([])
  })

  it('gives protected operations bearer security and problem+json errors', async () => {
    const document = DocumentSchema.parse(await (await composed.app.request('/api/v1/openapi.json')).json())
    const replace = document.paths['/api/v1/units/{id}/replace']?.post
    expect(replace?.security).toEqual([{ bearer: [] }])
    expect(replace?.responses['201']).toBeDefined()
    expect(replace?.responses['403']).toMatchObject({ content: { 'application/problem+json': expect.any(Object) } })
    expect(document.paths['/api/v1/openapi.json']?.get?.security).toBeUndefined()
  })

  it('gives every operation a response schema and an example', async () => {
    const raw = (await (await composed.app.request('/api/v1/openapi.json')).json()) as { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown; example?: unknown }> }> }>> }
    const lacking: string[] = []
    for (const [path, methods] of Object.entries(raw.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        const [status, success] = Object.entries(operation.responses).find(([code]) => code.startsWith('2')) ?? []
        // 204 has no body to describe
        const described = status === '204' || (status !== undefined && Object.values(success?.content ?? {}).some((media) => media.schema !== undefined && media.example !== undefined))
        if (!described) lacking.push(`${method.toUpperCase()} ${path}`)
      }
    }
    expect(lacking).toEqual([])
    const list = raw.paths['/api/v1/cases']?.get?.responses['200']?.content
    expect(Object.keys(list ?? {})).toEqual(['application/json', 'text/csv'])
    expect(list?.['application/json']?.example).toMatchObject({ items: [{ code: expect.any(String), assignee: expect.any(String) }] })
    expect(Object.keys(raw.paths['/api/v1/polls/{id}/public-results']?.get?.responses['200']?.content ?? {})).toEqual(['application/json', 'text/csv', 'text/html'])
    expect(Object.keys(raw.paths['/api/v1/stats/timeliness']?.get?.responses['200']?.content ?? {})).toEqual(['application/json', 'text/csv'])
    // a download is described by its router's `response`, not by a bare string
    const download = raw.paths['/api/v1/cases/{code}/evidence/{id}']?.get?.responses['200']?.content ?? {}
    expect(Object.keys(download)).toEqual(expect.arrayContaining(['image/*', 'audio/*', 'application/octet-stream']))
    expect(download['image/*']?.schema).toMatchObject({ type: 'string', description: expect.stringContaining('Content-Disposition') })
  })

  it("gives examples its operation's own schema accepts, every field declared", () => {
    const wrong = allOperations.flatMap((operation) => {
      if (!operation.response || operation.example === undefined) return []
      const parsed = operation.response.safeParse(operation.example)
      // parsing drops what the schema does not declare: an example must lose nothing
      return parsed.success && isDeepStrictEqual(parsed.data, operation.example) ? [] : [`${operation.method} ${operation.path}`]
    })
    expect(wrong).toEqual([])
  })

  it('serves a self-contained docs page listing the operations', async () => {
    const response = await composed.app.request('/api/v1/docs')
    expect(response.headers.get('content-type')).toMatch(/text\/html/)
    const html = await response.text()
    expect(html).toContain('/api/v1/rules/dry-run')
    expect(html).toContain('/api/v1/units/{id}/replace')
    expect(html).not.toMatch(/<script|https?:\/\/(?!localhost)/)
  })
})

/** The declared success schema of an operation, from the same list the document is built from. */
function declared(method: string, path: string) {
  const schema = allOperations.find((operation) => operation.method === method && operation.path === path)?.response
  if (!schema) throw new Error(`no response schema declared for ${method} ${path}`)
  return schema
}

describe.each(databaseKinds)('the documented answers of polls and statistics, against real answers on %s', (kind) => {
  let database: Database
  let composed: Composed
  let admin: string
  let observatory: string
  let clock = new Date('2026-11-30T15:00:00Z')

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database, () => clock)
    admin = (await createToken(database.db, { name: 'admin', role: 'admin' })).token
    observatory = (await createToken(database.db, { name: 'observatorio', role: 'observatory' })).token
  })
  afterAll(async () => {
    await database.close()
  })

  const call = async (method: string, path: string, options: { token?: string; body?: unknown } = {}) =>
    composed.app.request(path, {
      method,
      headers: { ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }), 'content-type': 'application/json' },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    })

  /**
   * Calls the route and parses its JSON answer with the schema the document declares for it; the
   * parsed answer must equal the answer, so a field the route writes and the schema leaves out
   * (zod drops it) fails as surely as a declared field the route does not write.
   */
  async function documented(method: 'get' | 'post' | 'put', path: string, documentedPath: string, options: { token?: string; body?: unknown; status?: number } = {}): Promise<unknown> {
    const response = await call(method.toUpperCase(), path, options)
    expect(response.status, await response.clone().text()).toBe(options.status ?? 200)
    const body: unknown = await response.json()
    const parsed = declared(method, documentedPath).safeParse(body)
    expect(parsed.error?.issues).toBeUndefined()
    expect(parsed.data).toEqual(body)
    return body
  }
  const idOf = (body: unknown) => z.object({ id: z.uuid() }).parse(body).id

  it('describes a poll as every poll operation answers it, and the list of them', async () => {
    clock = new Date('2026-11-30T15:00:00Z')
    const id = idOf(await documented('post', '/api/v1/polls', '/api/v1/polls', { token: admin, body: samplePollInput({ quorum: 3 }), status: 201 }))
    await documented('put', `/api/v1/polls/${id}`, '/api/v1/polls/{id}', { token: admin, body: samplePollInput({ title: { es: 'Nuevo título' } }) })
    await documented('get', `/api/v1/polls/${id}`, '/api/v1/polls/{id}', { token: admin })
    const opened = await documented('post', `/api/v1/polls/${id}/open`, '/api/v1/polls/{id}/open', { token: admin })
    expect(opened).toMatchObject({ status: 'open', openedAt: clock.toISOString() })
    const closed = await documented('post', `/api/v1/polls/${id}/close`, '/api/v1/polls/{id}/close', { token: admin })
    expect(closed).toMatchObject({ status: 'closed', closedAt: clock.toISOString() })
    const window = { opensAt: '2026-12-10T08:00:00-06:00', closesAt: '2026-12-12T18:00:00-06:00' }
    const copy = idOf(await documented('post', `/api/v1/polls/${id}/copy`, '/api/v1/polls/{id}/copy', { token: admin, body: window, status: 201 }))
    const list = z.array(z.object({ id: z.uuid() })).parse(await documented('get', '/api/v1/polls', '/api/v1/polls', { token: admin }))
    expect(list.map((poll) => poll.id)).toEqual(expect.arrayContaining([id, copy]))
    expect((await call('DELETE', `/api/v1/polls/${copy}`, { token: admin })).status).toBe(204)
  })

  it('describes exact results, the public publication, and their CSV and page', async () => {
    clock = AFTER
    // two municipalities (results by municipality) and a quorum; the school answers stay under k
    const ballots = [...Array.from({ length: 6 }, () => sampleBallot('0108', 'health', 4)), sampleBallot('0101', 'school', 2), ...Array.from({ length: 5 }, () => sampleBallot('0101', 'health', 5))]
    const { pollId } = await seedClosedPoll(database.db, { resultsVisibility: 'public', quorum: 10 }, ballots)
    const exact = await documented('get', `/api/v1/polls/${pollId}/results`, '/api/v1/polls/{id}/results', { token: admin })
    expect(exact).toMatchObject({ respondents: 12, byMunicipality: [expect.any(Object), expect.any(Object)], quorum: { required: 10, reached: true } })
    expect(JSON.stringify(exact)).toContain('Más médicos')
    const published = await documented('get', `/api/v1/polls/${pollId}/public-results`, '/api/v1/polls/{id}/public-results')
    expect(published).toMatchObject({ minCell: 5, withheld: false })
    expect(JSON.stringify(published)).toMatch(/"<5"|"x"/)
    // a facilitator reads the publication through /results: the same schema covers it
    expect(declared('get', '/api/v1/polls/{id}/results').safeParse(published).data).toEqual(published)
    const media = async (path: string, token?: string) => (await call('GET', path, token === undefined ? {} : { token })).headers.get('content-type')
    expect(await media(`/api/v1/polls/${pollId}/results?format=csv`, admin)).toMatch(/^text\/csv/)
    expect(await media(`/api/v1/polls/${pollId}/public-results?format=csv`)).toMatch(/^text\/csv/)
    expect(await media(`/api/v1/polls/${pollId}/public-results?format=html`)).toMatch(/^text\/html/)
  })

  it('describes case counts and the league as the public, an observatory and an admin read them, and documents their refusals (401, 403, 503)', async () => {
    clock = new Date('2026-11-30T15:00:00Z')
    const september = new Date('2026-09-15T18:00:00Z')
    const mixco = await fileCases(database.db, 7, { sector: 'health', category: 'medicine_shortage', department: '01', municipality: '0108' }, september)
    await fileCases(database.db, 3, { sector: 'health', category: 'medicine_shortage', department: '01', municipality: '0101' }, september)
    await fileCases(database.db, 40, { sector: 'health', category: 'care_refused', department: '01', municipality: '0115' }, new Date('2026-10-10T18:00:00Z'))
    for (const [i, code] of mixco.entries()) {
      await moveCase(database.db, code, 'acknowledged', 2 + i)
      await moveCase(database.db, code, 'resolved', 10 + i)
    }
    // refusals of a public endpoint are documented with it, and answered as documented
    const statuses = async (path: string) => {
      const document = z.object({ paths: z.record(z.string(), z.record(z.string(), z.object({ responses: z.record(z.string(), z.unknown()) }))) }).parse(await (await call('GET', '/api/v1/openapi.json')).json())
      return Object.keys(document.paths[path]?.get?.responses ?? {})
    }
    expect(await statuses('/api/v1/stats/cases')).toEqual(expect.arrayContaining(['200', '401', '403', '503']))
    expect(await statuses('/api/v1/stats/timeliness')).toEqual(expect.arrayContaining(['200', '401', '403', '503']))
    expect((await call('GET', '/api/v1/stats/cases?groupBy=sector')).status).toBe(503)
    await buildPublication(database.db, { now: clock, k: 5 })
    expect((await call('GET', '/api/v1/stats/cases?period=day')).status).toBe(403)
    expect((await call('GET', '/api/v1/stats/cases?groupBy=sector', { token: 'dlg_not-a-token' })).status).toBe(401)
    const rowsOf = (body: unknown) => z.object({ rows: z.array(z.unknown()) }).parse(body).rows
    for (const token of [undefined, observatory, admin]) {
      const places = await documented('get', '/api/v1/stats/cases?groupBy=municipality&department=01', '/api/v1/stats/cases', { token })
      expect(rowsOf(places).length).toBeGreaterThan(0)
      const months = await documented('get', '/api/v1/stats/cases?period=month&groupBy=sector', '/api/v1/stats/cases', { token })
      expect(rowsOf(months).length).toBeGreaterThan(0)
      const league = await documented('get', '/api/v1/stats/timeliness?groupBy=unit', '/api/v1/stats/timeliness', { token })
      expect(rowsOf(league).length).toBeGreaterThan(0)
      // the publication an answer was read from, for all but the admin's live counts
      expect(z.object({ publication: z.unknown().optional() }).parse(league).publication === undefined).toBe(token === admin)
    }
    const csv = await call('GET', '/api/v1/stats/timeliness?groupBy=unit&format=csv')
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/)
  })
})
