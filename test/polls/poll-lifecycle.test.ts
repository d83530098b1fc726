import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { createTranslate } from '../../src/i18n/index.js'
import { runJobOnce } from '../../src/jobs/run-job-once.js'
import { createGroup } from '../../src/polls/groups.js'
import { publishedResults } from '../../src/polls/poll-publication.js'
import { pollJobs, pollPacing } from '../../src/polls/poll-jobs.js'
import { resultsMessage } from '../../src/polls/results-message.js'
import { testApp, webchatConversation, webchatSecret } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { samplePollInput } from './fixtures.js'
import { AFTER, sampleBallot, seedClosedPoll } from './seed-poll.js'

const PollSchema = z.object({ id: z.uuid(), status: z.string(), opensAt: z.string(), questions: z.array(z.object({ id: z.string() })) })
const t = createTranslate()

describe.each(databaseKinds)('a poll’s lifecycle, on %s', (kind) => {
  let database: Database
  let app: Composed
  let admin: string
  let group: string
  let clock = new Date('2026-11-30T15:00:00Z')

  beforeAll(async () => {
    database = await freshDatabase(kind)
    app = await testApp(database, () => clock)
    admin = (await createToken(database.db, { name: 'admin', role: 'admin' })).token
    group = (await createGroup(database.db, { name: 'Mesa de Mixco', municipalityCode: '0108' }, clock)).id
  })
  afterAll(async () => {
    await database.close()
  })

  const call = (method: string, path: string, body?: unknown) =>
    app.app.request(path, {
      method,
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const create = async (overrides: Record<string, unknown> = {}) =>
    PollSchema.parse(await (await call('POST', '/api/v1/polls', samplePollInput({ audience: { groups: [group], municipalities: [] }, ...overrides }))).json())

  it('opens a scheduled poll now, and then no longer cancels it', async () => {
    const poll = await create()
    const opened = await call('POST', `/api/v1/polls/${poll.id}/open`)
    expect(opened.status).toBe(200)
    expect(PollSchema.parse(await opened.json())).toMatchObject({ status: 'open', opensAt: clock.toISOString() })
    expect((await call('POST', `/api/v1/polls/${poll.id}/open`)).status).toBe(409)
    expect((await call('DELETE', `/api/v1/polls/${poll.id}`)).status).toBe(409)
  })

  it('cancels a poll that has not opened', async () => {
    const poll = await create()
    expect((await call('DELETE', `/api/v1/polls/${poll.id}`)).status).toBe(204)
    expect((await call('GET', `/api/v1/polls/${poll.id}`)).status).toBe(404)
  })

  it('copies a poll into a new window, refusing one already past', async () => {
    const poll = await create()
    const copied = await call('POST', `/api/v1/polls/${poll.id}/copy`, { opensAt: '2027-01-10T08:00:00-06:00', closesAt: '2027-01-17T18:00:00-06:00' })
    expect(copied.status).toBe(201)
    const copy = PollSchema.parse(await copied.json())
    expect(copy.id).not.toBe(poll.id)
    expect(copy).toMatchObject({ status: 'scheduled', opensAt: '2027-01-10T14:00:00.000Z' })
    expect(copy.questions.map((q) => q.id)).toEqual(poll.questions.map((q) => q.id))
    expect((await call('POST', `/api/v1/polls/${poll.id}/copy`, { opensAt: '2026-01-10T08:00:00-06:00', closesAt: '2026-01-17T18:00:00-06:00' })).status).toBe(422)
  })

  it('closes early when asked to and every member has answered', async () => {
    clock = new Date('2026-12-02T15:00:00Z')
    const small = (await createGroup(database.db, { name: 'Mesa pequeña' }, clock)).id
    const ana = webchatConversation(app.app, 'ana-lifecycle-conversation')
    const groupCode = z.object({ inviteCode: z.string() }).parse(await (await call('GET', `/api/v1/poll-groups/${small}`)).json()).inviteCode
    await ana.say(`unirme ${groupCode}`)
    const poll = await create({
      audience: { groups: [small], municipalities: [] },
      closeWhenComplete: true,
      remindAt: undefined,
      questions: [{ id: 'q', kind: 'single', text: { es: '¿Mercado nuevo?' }, options: [{ id: 'si', label: { es: 'Sí' } }, { id: 'no', label: { es: 'No' } }] }],
    })
    await call('POST', `/api/v1/polls/${poll.id}/open`)
    const invite = pollJobs({ startFlow: app.runtime.startFlow, t, pacing: pollPacing(app.channels), now: () => clock }).find((job) => job.name === 'polls.invite')
    if (!invite) throw new Error('no invite job')
    await runJobOnce(database.db, invite, new Date(Date.UTC(2026, 0, 1, 0, 1)))
    while ((await app.outbox.runOnce()) > 0);
    await app.app.request(`/webchat/messages?conversationId=${webchatSecret('ana-lifecycle-conversation')}`)
    await ana.say('sí')
    expect(PollSchema.parse(await (await call('GET', `/api/v1/polls/${poll.id}`)).json()).status).toBe('closed')
  })

  it('says in the results whether the quorum was reached', async () => {
    const ballots = Array.from({ length: 6 }, () => sampleBallot('0108', 'health', 4))
    const reached = await seedClosedPoll(database.db, { quorum: 6 }, ballots)
    const missed = await seedClosedPoll(database.db, { quorum: 10 }, ballots)
    const few = await seedClosedPoll(database.db, { quorum: 2 }, ballots.slice(0, 3))
    const read = (pollId: string) => publishedResults(database.db, pollId, { now: AFTER })
    expect((await read(reached.pollId)).quorum).toEqual({ required: 6, reached: true })
    expect((await read(missed.pollId)).quorum).toEqual({ required: 10, reached: false })
    // three respondents are withheld (<5): "reached" would tell there were at least two
    expect((await read(few.pollId)).quorum).toEqual({ required: 2, reached: null })
    expect(resultsMessage(await read(missed.pollId), t, 'es')).toContain('No se alcanzó el quórum de 10 participantes')
  })
})
