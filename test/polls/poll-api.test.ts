import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { testApp, webchatConversation } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { samplePollInput } from './fixtures.js'

const IdSchema = z.object({ id: z.uuid() })
const GroupSchema = z.object({ id: z.uuid(), inviteCode: z.string(), members: z.number() })
const ProblemSchema = z.object({ status: z.number(), detail: z.string() })

describe.each(databaseKinds)('poll and group routes on %s', (kind) => {
  let database: Database
  let app: Composed
  let admin: string
  let observatory: string
  const clock = new Date('2026-11-30T15:00:00Z')

  beforeAll(async () => {
    database = await freshDatabase(kind)
    app = await testApp(database, () => clock)
    admin = (await createToken(database.db, { name: 'mesa', role: 'admin' })).token
    observatory = (await createToken(database.db, { name: 'obs', role: 'observatory' })).token
  })
  afterAll(async () => {
    await database.close()
  })

  const call = (method: string, path: string, body?: unknown, token = admin) =>
    app.app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })

  it('creates a poll and lists it', async () => {
    const created = await call('POST', '/api/v1/polls', samplePollInput())
    expect(created.status).toBe(201)
    const { id } = IdSchema.parse(await created.json())
    const listed = z.array(IdSchema.extend({ status: z.string() })).parse(await (await call('GET', '/api/v1/polls')).json())
    expect(listed.find((poll) => poll.id === id)?.status).toBe('scheduled')
  })

  it.each([
    ['a group that does not exist', { audience: { groups: ['00000000-0000-4000-8000-000000000000'], municipalities: [] } }, /^audience\.groups\.0 group .* does not exist/],
    ['a municipality that does not exist', { audience: { groups: [], municipalities: ['0108', '9999'] } }, /^audience\.municipalities\.1 municipality 9999 does not exist/],
    ['a window already past', { opensAt: '2026-11-01T08:00:00-06:00', closesAt: '2026-11-02T08:00:00-06:00', remindAt: undefined }, /^closesAt is already past/],
    ['a reminder already past', { opensAt: '2026-11-01T08:00:00-06:00', remindAt: '2026-11-02T08:00:00-06:00' }, /^remindAt is already past/],
  ])('refuses a poll with %s with 422, storing nothing', async (_, change, detail) => {
    const before = z.array(IdSchema).parse(await (await call('GET', '/api/v1/polls')).json()).length
    const response = await call('POST', '/api/v1/polls', samplePollInput(change))
    expect(response.status).toBe(422)
    expect(ProblemSchema.parse(await response.json()).detail).toMatch(detail)
    expect(z.array(IdSchema).parse(await (await call('GET', '/api/v1/polls')).json())).toHaveLength(before)
  })

  it.each([
    ['no Spanish title', { title: { en: 'Only English' } }],
    ['closing before opening', { closesAt: '2026-11-01T00:00:00-06:00' }],
    ['a scale upside down', { questions: [{ id: 'q', kind: 'scale', min: 5, max: 1, text: { es: '¿?' } }] }],
    ['a maximum above the options', { questions: [{ id: 'q', kind: 'multiple', max: 3, text: { es: '¿?' }, options: [{ id: 'a', label: { es: 'A' } }, { id: 'b', label: { es: 'B' } }] }] }],
    ['repeated question ids', { questions: [{ id: 'q', kind: 'text', text: { es: 'a' } }, { id: 'q', kind: 'text', text: { es: 'b' } }] }],
    ['an unknown question kind', { questions: [{ id: 'q', kind: 'slider', text: { es: 'a' } }] }],
    ['nobody to ask', { audience: { groups: [], municipalities: [] } }],
  ])('refuses a poll with %s as a problem document', async (_, change) => {
    const response = await call('POST', '/api/v1/polls', samplePollInput(change))
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(ProblemSchema.parse(await response.json()).detail).toMatch(/^invalid json/)
  })

  it('lets a poll be replaced before it opens, and not after', async () => {
    const { id } = IdSchema.parse(await (await call('POST', '/api/v1/polls', samplePollInput())).json())
    const replaced = await call('PUT', `/api/v1/polls/${id}`, samplePollInput({ title: { es: 'Nuevo título' } }))
    expect(replaced.status).toBe(200)
    await call('POST', `/api/v1/polls/${id}/close`)
    const late = await call('PUT', `/api/v1/polls/${id}`, samplePollInput())
    expect(late.status).toBe(409)
  })

  it('keeps polls and groups to admins', async () => {
    expect((await call('GET', '/api/v1/polls', undefined, observatory)).status).toBe(403)
    expect((await call('GET', '/api/v1/poll-groups', undefined, observatory)).status).toBe(403)
  })

  it('shows a group’s member count and invite code, never its members', async () => {
    const group = GroupSchema.parse(await (await call('POST', '/api/v1/poll-groups', { name: 'Mesa de Salcajá', municipalityCode: '0902' })).json())
    await webchatConversation(app.app, 'member-conversation-1').say(`unirme ${group.inviteCode}`)
    const shown = await (await call('GET', `/api/v1/poll-groups/${group.id}`)).json()
    expect(shown).toMatchObject({ members: 1, inviteCode: group.inviteCode })
    expect(JSON.stringify(shown)).not.toContain('member-conversation-1')
    const rotated = GroupSchema.parse(await (await call('POST', `/api/v1/poll-groups/${group.id}/invite-code`)).json())
    expect(rotated.inviteCode).not.toBe(group.inviteCode)
    const member = webchatConversation(app.app, 'member-conversation-2')
    await member.say(`unirme ${group.inviteCode}`)
    expect(member.text()).toMatch(/No encontré ningún grupo/)
  })

  it('refuses a group in a municipality that does not exist', async () => {
    expect((await call('POST', '/api/v1/poll-groups', { name: 'Mesa', municipalityCode: '9999' })).status).toBe(422)
  })

  it('shows public results of a closed public poll to anyone, and nothing of the others', async () => {
    const open = IdSchema.parse(await (await call('POST', '/api/v1/polls', samplePollInput({ resultsVisibility: 'public' }))).json())
    expect((await app.app.request(`/api/v1/polls/${open.id}/public-results`)).status).toBe(404)
    await call('POST', `/api/v1/polls/${open.id}/close`)
    const shown = await app.app.request(`/api/v1/polls/${open.id}/public-results?locale=en`)
    expect(shown.status).toBe(200)
    expect(await shown.json()).toMatchObject({ title: '2027 investment priorities', status: 'closed' })
    const group = IdSchema.parse(await (await call('POST', '/api/v1/polls', samplePollInput())).json())
    await call('POST', `/api/v1/polls/${group.id}/close`)
    expect((await app.app.request(`/api/v1/polls/${group.id}/public-results`)).status).toBe(404)
  })

  it('answers results as CSV with ?format=csv', async () => {
    const { id } = IdSchema.parse(await (await call('POST', '/api/v1/polls', samplePollInput())).json())
    const response = await call('GET', `/api/v1/polls/${id}/results?format=csv`)
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/)
    expect((await response.text()).split('\r\n').slice(0, 2)).toEqual([
      'municipality,question_id,question,kind,measure,option_id,option,value',
      'all,,,,invited,,,0',
    ])
  })
})
