import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { createGroup } from '../../src/polls/groups.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { samplePollInput } from './fixtures.js'

const IdSchema = z.object({ id: z.uuid() })

describe.each(databaseKinds)('a facilitator token, on %s', (kind) => {
  let database: Database
  let app: Composed
  let admin: string
  let facilitator: string
  let own: string
  let other: string
  const clock = new Date('2026-11-30T15:00:00Z')

  const call = (token: string, method: string, path: string, body?: unknown) =>
    app.app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const pollFor = (audience: { groups: string[]; municipalities: string[] }) => samplePollInput({ audience })

  beforeAll(async () => {
    database = await freshDatabase(kind)
    app = await testApp(database, () => clock)
    admin = (await createToken(database.db, { name: 'admin', role: 'admin' })).token
    own = (await createGroup(database.db, { name: 'Mesa de Mixco', municipalityCode: '0108' }, clock)).id
    other = (await createGroup(database.db, { name: 'Mesa de Villa Nueva' }, clock)).id
    const issued = await call(admin, 'POST', '/api/v1/tokens', { name: 'facilitadora Mixco', role: 'facilitator', groupIds: [own] })
    expect(issued.status).toBe(201)
    facilitator = z.object({ token: z.string(), groupIds: z.array(z.uuid()) }).parse(await issued.json()).token
  })
  afterAll(async () => {
    await database.close()
  })

  it('is issued only with groups that exist', async () => {
    expect((await call(admin, 'POST', '/api/v1/tokens', { name: 'sin mesa', role: 'facilitator' })).status).toBe(422)
    expect((await call(admin, 'POST', '/api/v1/tokens', { name: 'x', role: 'facilitator', groupIds: ['00000000-0000-4000-8000-000000000000'] })).status).toBe(422)
    expect((await call(admin, 'POST', '/api/v1/tokens', { name: 'x', role: 'observatory', groupIds: [own] })).status).toBe(422)
  })

  it('creates, lists, follows and closes polls of its own groups, and sees no one else’s', async () => {
    const created = await call(facilitator, 'POST', '/api/v1/polls', pollFor({ groups: [own], municipalities: [] }))
    expect(created.status).toBe(201)
    const mine = IdSchema.parse(await created.json()).id
    const theirs = IdSchema.parse(await (await call(admin, 'POST', '/api/v1/polls', pollFor({ groups: [other], municipalities: [] }))).json()).id

    const listed = z.array(IdSchema).parse(await (await call(facilitator, 'GET', '/api/v1/polls')).json())
    expect(listed.map((p) => p.id)).toEqual([mine])
    expect((await call(facilitator, 'GET', `/api/v1/polls/${mine}/progress`)).status).toBe(200)
    for (const path of [`/api/v1/polls/${theirs}`, `/api/v1/polls/${theirs}/progress`, `/api/v1/polls/${theirs}/results`]) {
      expect((await call(facilitator, 'GET', path)).status).toBe(404)
    }
    expect((await call(facilitator, 'POST', `/api/v1/polls/${theirs}/close`)).status).toBe(404)
    expect((await call(facilitator, 'PUT', `/api/v1/polls/${mine}`, pollFor({ groups: [own, other], municipalities: [] }))).status).toBe(403)

    // results are the publication, once closed: nothing while it runs, never the free texts
    expect((await call(facilitator, 'GET', `/api/v1/polls/${mine}/results`)).status).toBe(409)
    expect((await call(facilitator, 'POST', `/api/v1/polls/${mine}/close`)).status).toBe(200)
    const results = await (await call(facilitator, 'GET', `/api/v1/polls/${mine}/results`)).json()
    expect(results).toMatchObject({ pollId: mine, minCell: 5 })
    expect(JSON.stringify(results)).not.toContain('texts')
  })

  it('refuses polls that reach past its groups', async () => {
    expect((await call(facilitator, 'POST', '/api/v1/polls', pollFor({ groups: [other], municipalities: [] }))).status).toBe(403)
    expect((await call(facilitator, 'POST', '/api/v1/polls', pollFor({ groups: [own], municipalities: ['0108'] }))).status).toBe(403)
  })

  it('reads its own groups only, and cannot create one nor touch anything else', async () => {
    const groups = z.array(IdSchema).parse(await (await call(facilitator, 'GET', '/api/v1/poll-groups')).json())
    expect(groups.map((g) => g.id)).toEqual([own])
    expect((await call(facilitator, 'GET', `/api/v1/poll-groups/${other}`)).status).toBe(404)
    expect((await call(facilitator, 'POST', `/api/v1/poll-groups/${own}/invite-code`)).status).toBe(200)
    expect((await call(facilitator, 'POST', '/api/v1/poll-groups', { name: 'Otra mesa' })).status).toBe(403)
    for (const path of ['/api/v1/cases', '/api/v1/tokens', '/api/v1/units', '/api/v1/audit']) {
      expect((await call(facilitator, 'GET', path)).status).toBe(403)
    }
  })
})
