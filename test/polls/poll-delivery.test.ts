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

describe.each(databaseKinds)('a poll from opening to results, through the web chat, on %s', (kind) => {
  let database: Database
  let app: Composed
  let clock = new Date('2026-11-30T15:00:00Z')
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

  const jobs = () => pollJobs({ startFlow: app.runtime.startFlow, t, pacing: pollPacing(app.channels), now: () => clock })
  /** runs a poll job for a fresh slot, as the scheduler would the next minute */
  const run = async (name: string) => {
    const job = jobs().find((j) => j.name === name)
    if (!job) throw new Error(`no job ${name}`)
    slot++
    return runJobOnce(database.db, job, new Date(Date.UTC(2026, 0, 1, 0, slot)))
  }
  /** delivers the outbox and reads what a web chat page would fetch */
  const fetched = async (conversationId: string) => {
    while ((await app.outbox.runOnce()) > 0);
    const response = await app.app.request(`/webchat/messages?conversationId=${webchatSecret(conversationId)}`)
    return RepliesSchema.parse(await response.json()).replies.map((reply) => reply.text)
  }
  const api = async (method: string, path: string, body?: unknown, accept = 'application/json') =>
    app.app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })

  it('invites the group, waits for a complaint to end, takes answers, reminds, closes and reports', async () => {
    const group = await createGroup(database.db, { name: 'Mesa de Mixco', municipalityCode: '0108' }, clock)
    const ana = webchatConversation(app.app, 'ana-conversation-1')
    const beto = webchatConversation(app.app, 'beto-conversation-1')
    await ana.say(`unirme ${group.inviteCode.toLowerCase()}`)
    const member = /M-[0-9A-Z]{6}/.exec(ana.text())?.[0] ?? 'no member number'
    expect(ana.text()).toBe(t('es', 'pollJoin.welcome', { joined: { group: 'Mesa de Mixco', member } }))
    await beto.say('unirme')
    await beto.say(group.inviteCode)
    expect(beto.text()).toContain('Mesa de Mixco')

    const created = await api('POST', '/api/v1/polls', samplePollInput({ audience: { groups: [group.id], municipalities: [] } }))
    expect(created.status).toBe(201)
    const pollId = z.object({ id: z.uuid() }).parse(await created.json()).id

    // Beto starts a complaint just before the poll opens
    clock = new Date('2026-12-01T13:55:00Z')
    await beto.say('hola')
    await beto.press(/queja/i)
    clock = new Date('2026-12-01T14:01:00Z')
    await run('polls.invite')
    const progress = async () => (await api('GET', `/api/v1/polls/${pollId}/progress`)).json()
    expect(await progress()).toMatchObject({ status: 'open', audience: 2, invited: 1, queued: 1, deferred: 1 })

    const invitation = await fetched('ana-conversation-1')
    expect(invitation[0]).toMatch(/^📋 Prioridades de inversión 2027/)
    expect(invitation.at(-1)).toBe('¿Qué servicio usa más?')
    expect(await progress()).toMatchObject({ delivered: 1, started: 0 })

    // the complaint ends; the next run invites Beto
    await beto.say('cancelar')
    await run('polls.invite')
    expect((await fetched('beto-conversation-1')).at(-1)).toBe('¿Qué servicio usa más?')

    await ana.say('salud')
    await ana.say('1, 2')
    await ana.say('4')
    await ana.say('2, 1, 3')
    await ana.say('Más médicos, por favor')
    expect(ana.text()).toBe(t('es', 'polls.doneWithResults'))
    await beto.say('escuela')
    expect(await progress()).toMatchObject({ invited: 2, delivered: 2, started: 2, completed: 1 })

    // the reminder goes to Beto only, who picks up at his second question
    clock = new Date('2026-12-07T14:30:00Z')
    await run('polls.remind')
    const reminder = await fetched('beto-conversation-1')
    expect(reminder[0]).toMatch(/^⏰/)
    expect(reminder.at(-1)).toMatch(/^¿Qué problemas ha visto\?/)
    expect(await fetched('ana-conversation-1')).toEqual([])

    // after closing, a late answer is refused politely and both get the results
    clock = new Date('2026-12-09T01:00:00Z')
    await run('polls.close')
    await beto.say('1')
    expect(beto.text()).toBe(t('es', 'polls.closed'))
    // two took part: Ana's own ballot and the counts would give Beto's away, so no figures go out
    const withheld = t('es', 'polls.results.withheld', { title: 'Prioridades de inversión 2027', k: 5 })
    expect(await fetched('ana-conversation-1')).toEqual([withheld])
    expect(await fetched('beto-conversation-1')).toEqual([withheld])

    const json = await (await api('GET', `/api/v1/polls/${pollId}/results`)).json()
    expect(json).toMatchObject({ status: 'closed', invited: 2, respondents: 2, completed: 1, responseRate: 1 })
    const csv = await api('GET', `/api/v1/polls/${pollId}/results`, undefined, 'text/csv')
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/)
    const lines = (await csv.text()).split('\r\n')
    expect(lines[0]).toBe('municipality,question_id,question,kind,measure,option_id,option,value')
    expect(lines).toContain('all,priorities,Ordene estas inversiones,ranking,borda,roads,Caminos,2')
  })

  it('subscribes a citizen with "recibir consultas" and lets them leave with "salir"', async () => {
    clock = new Date('2026-12-10T15:00:00Z')
    const carla = webchatConversation(app.app, 'carla-conversation-1')
    await carla.say('recibir consultas')
    await carla.say('Quetzaltenango')
    await carla.say('Salcajá')
    expect(carla.text()).toBe(t('es', 'pollSubscribe.done', { municipalityLabel: 'Salcajá' }))

    const created = await api('POST', '/api/v1/polls', samplePollInput({
      audience: { groups: [], municipalities: ['0902'] },
      opensAt: '2026-12-10T09:00:00-06:00',
      closesAt: '2026-12-12T09:00:00-06:00',
      remindAt: undefined,
    }))
    const pollId = z.object({ id: z.uuid() }).parse(await created.json()).id
    await run('polls.invite')
    expect((await fetched('carla-conversation-1')).at(-1)).toBe('¿Qué servicio usa más?')

    await carla.say('salir')
    expect(carla.text()).toBe(t('es', 'pollLeave.done'))
    expect(await (await api('GET', `/api/v1/polls/${pollId}/progress`)).json()).toMatchObject({ audience: 1, withdrawn: 1 })
    await carla.say('salir')
    expect(carla.text()).toBe(t('es', 'pollLeave.nothing'))
  })
})
