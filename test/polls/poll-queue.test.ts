import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { createTranslate } from '../../src/i18n/index.js'
import { runJobOnce } from '../../src/jobs/run-job-once.js'
import { createGroup } from '../../src/polls/groups.js'
import { pollJobs, pollPacing } from '../../src/polls/poll-jobs.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { testApp, webchatConversation, webchatSecret } from '../support/app.js'
import { samplePollInput } from './fixtures.js'

const RepliesSchema = z.object({ replies: z.array(z.object({ text: z.string() })) })
const t = createTranslate()

/** a one-question poll (a single choice) for the group, open over the same week */
const shortPoll = (title: string, group: string, question: string, remindAt?: string) =>
  samplePollInput({
    title: { es: title },
    intro: undefined,
    audience: { groups: [group], municipalities: [] },
    questions: [{ id: 'q', kind: 'single', text: { es: question }, options: [{ id: 'si', label: { es: 'Sí' } }, { id: 'no', label: { es: 'No' } }] }],
    remindAt,
  })

describe.each(databaseKinds)('overlapping polls, on %s', (kind) => {
  let database: Database
  let app: Composed
  let clock = new Date('2026-12-01T15:00:00Z')
  let token: string
  let slot = 0

  beforeAll(async () => {
    database = await freshDatabase(kind)
    app = await testApp(database, () => clock)
    token = (await createToken(database.db, { name: 'mesa', role: 'admin' })).token
  })
  afterAll(async () => {
    await database.close()
  })

  const run = async (name: string) => {
    const job = pollJobs({ startFlow: app.runtime.startFlow, t, pacing: pollPacing(app.channels), now: () => clock }).find((j) => j.name === name)
    if (!job) throw new Error(`no job ${name}`)
    slot++
    return runJobOnce(database.db, job, new Date(Date.UTC(2026, 0, 1, 0, slot)))
  }
  const fetched = async (name: string) => {
    while ((await app.outbox.runOnce()) > 0);
    const response = await app.app.request(`/webchat/messages?conversationId=${webchatSecret(name)}`)
    return RepliesSchema.parse(await response.json()).replies.map((reply) => reply.text)
  }
  const api = async (method: string, path: string, body?: unknown) =>
    app.app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const create = async (body: unknown) => z.object({ id: z.uuid() }).parse(await (await api('POST', '/api/v1/polls', body)).json()).id
  const progress = async (id: string) => (await api('GET', `/api/v1/polls/${id}/progress`)).json()

  it('queues a second poll behind the first, offers it when the first is answered or set aside, and keeps the reminder', async () => {
    const group = await createGroup(database.db, { name: 'Mesa de Mixco', municipalityCode: '0108' }, clock)
    const ana = webchatConversation(app.app, 'ana-queue-conversation')
    const beto = webchatConversation(app.app, 'beto-queue-conversation')
    await ana.say(`unirme ${group.inviteCode}`)
    await beto.say(`unirme ${group.inviteCode}`)

    const first = await create(shortPoll('Mercado', group.id, '¿Quiere un mercado nuevo?', '2026-12-07T08:00:00-06:00'))
    await run('polls.invite')
    expect((await fetched('ana-queue-conversation')).at(-1)).toBe('¿Quiere un mercado nuevo?')
    expect((await fetched('beto-queue-conversation')).at(-1)).toBe('¿Quiere un mercado nuevo?')

    clock = new Date('2026-12-01T15:10:00Z')
    const second = await create(shortPoll('Puente', group.id, '¿Quiere un puente?'))
    await run('polls.invite')
    // both still sit in the first: nobody is interrupted, and nobody counts as busy
    expect(await fetched('ana-queue-conversation')).toEqual([])
    expect(await progress(second)).toMatchObject({ audience: 2, invited: 0, queued: 2, deferred: 0, waiting: { otherPoll: 2, conversation: 0, pace: 0 } })

    // Ana answers the first: she is told another follows, and the next run brings it
    await ana.say('sí')
    expect(ana.text()).toContain('Tiene 1 consulta pendiente más')
    await run('polls.invite')
    expect((await fetched('ana-queue-conversation')).at(-1)).toBe('¿Quiere un puente?')

    // Beto sets the first aside ("cancelar" takes him to the menu): the second comes, and says the first still waits
    await beto.say('cancelar')
    await run('polls.invite')
    const toBeto = await fetched('beto-queue-conversation')
    expect(toBeto).toContain('Tiene además 1 consulta pendiente: le llegará al terminar esta.')
    expect(toBeto.at(-1)).toBe('¿Quiere un puente?')
    expect(await progress(second)).toMatchObject({ invited: 2, queued: 0, waiting: { otherPoll: 0, conversation: 0, pace: 0 } })

    // the first's reminder comes while Beto sits in the second: it waits, and is not lost
    clock = new Date('2026-12-07T14:30:00Z')
    await run('polls.remind')
    expect(await fetched('beto-queue-conversation')).toEqual([])
    expect(await progress(first)).toMatchObject({ reminded: 0, remindersWaiting: 1 })
    await beto.say('no')
    await run('polls.remind')
    const reminder = await fetched('beto-queue-conversation')
    expect(reminder[0]).toMatch(/^⏰ Recordatorio: la consulta «Mercado» cierra el 8 de diciembre de 2026 a las 18:00 y le falta 1 de 1 preguntas/)
    expect(reminder.at(-1)).toBe('¿Quiere un mercado nuevo?')
    expect(await progress(first)).toMatchObject({ reminded: 1, remindersWaiting: 0 })
  })

  it('retries an invitation deferred by a conversation on every run until the poll closes', async () => {
    clock = new Date('2026-12-10T15:00:00Z')
    const group = await createGroup(database.db, { name: 'Mesa de Villa Nueva' }, clock)
    const carla = webchatConversation(app.app, 'carla-queue-conversation')
    await carla.say(`unirme ${group.inviteCode}`)
    const poll = await create({ ...shortPoll('Agua', group.id, '¿Tiene agua todos los días?'), opensAt: '2026-12-10T08:00:00-06:00', closesAt: '2026-12-12T08:00:00-06:00' })
    await carla.say('hola')
    await carla.press(/queja/i)
    for (let minute = 1; minute <= 3; minute++) {
      clock = new Date(Date.UTC(2026, 11, 10, 15, minute))
      await carla.say('hola')
      await run('polls.invite')
    }
    expect(await progress(poll)).toMatchObject({ queued: 1, deferred: 1, waiting: { otherPoll: 0, conversation: 1, pace: 0 } })
    await carla.say('cancelar')
    await run('polls.invite')
    expect((await fetched('carla-queue-conversation')).at(-1)).toBe('¿Tiene agua todos los días?')
  })
})
