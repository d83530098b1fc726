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

const twoQuestionPoll = (group: string) =>
  samplePollInput({
    title: { es: 'Prioridades' },
    intro: undefined,
    audience: { groups: [group], municipalities: [] },
    questions: [
      { id: 'agua', kind: 'single', text: { es: '¿Hace falta agua potable?' }, options: [{ id: 'si', label: { es: 'Sí' } }, { id: 'no', label: { es: 'No' } }] },
      { id: 'luz', kind: 'single', text: { es: '¿Hace falta alumbrado?' }, options: [{ id: 'si', label: { es: 'Sí' } }, { id: 'no', label: { es: 'No' } }] },
    ],
  })

describe.each(databaseKinds)('"seguir consulta" and "salir CODE", on %s', (kind) => {
  let database: Database
  let app: Composed
  const clock = new Date('2026-12-01T15:00:00Z')
  let token: string

  beforeAll(async () => {
    database = await freshDatabase(kind)
    app = await testApp(database, () => clock)
    token = (await createToken(database.db, { name: 'mesa', role: 'admin' })).token
  })
  afterAll(async () => {
    await database.close()
  })

  const invite = async () => {
    const job = pollJobs({ startFlow: app.runtime.startFlow, t, pacing: pollPacing(app.channels), now: () => clock }).find((j) => j.name === 'polls.invite')
    if (!job) throw new Error('no invite job')
    return runJobOnce(database.db, job, new Date(Date.UTC(2026, 0, 1, 0, 1)))
  }
  const fetched = async (name: string) => {
    while ((await app.outbox.runOnce()) > 0);
    const response = await app.app.request('/webchat/messages', { headers: { 'x-conversation-id': webchatSecret(name) } })
    return RepliesSchema.parse(await response.json()).replies.map((reply) => reply.text)
  }
  const create = async (body: unknown) => {
    const response = await app.app.request('/api/v1/polls', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    return z.object({ id: z.uuid() }).parse(await response.json()).id
  }

  it('brings a member back to the poll they set aside for the menu, at its next question', async () => {
    const group = await createGroup(database.db, { name: 'Mesa de Mixco', municipalityCode: '0108' }, clock)
    const ana = webchatConversation(app.app, 'ana-resume-conversation')
    await ana.say(`unirme ${group.inviteCode}`)
    await create(twoQuestionPoll(group.id))
    await invite()
    expect((await fetched('ana-resume-conversation')).at(-1)).toBe('¿Hace falta agua potable?')

    await ana.say('1')
    expect(ana.text()).toContain('¿Hace falta alumbrado?')
    // "menu" sets a poll aside at once (it was sent to her, she did not start it): no leave warning
    await ana.say('menu')
    expect(ana.text()).not.toMatch(/quedará sin enviar/)
    expect(ana.text()).toMatch(/Qué desea hacer/)

    await ana.say('seguir consulta')
    expect(ana.text()).toContain('¿Hace falta alumbrado?')
    expect(ana.text()).not.toContain('¿Hace falta agua potable?')
  })

  it('says so when there is no poll to go back to', async () => {
    const beto = webchatConversation(app.app, 'beto-resume-conversation')
    await beto.say('hola')
    await beto.say('seguir consulta')
    expect(beto.text()).toMatch(/No tiene consultas pendientes/)
  })

  it('leaves only the group whose code follows "salir", even from the middle of a complaint', async () => {
    const mixco = await createGroup(database.db, { name: 'Mesa de Mixco', municipalityCode: '0108' }, clock)
    const villa = await createGroup(database.db, { name: 'Mesa de Villa Nueva', municipalityCode: '0114' }, clock)
    const carla = webchatConversation(app.app, 'carla-leave-one-conversation')
    await carla.say(`unirme ${mixco.inviteCode}`)
    await carla.say(`unirme ${villa.inviteCode}`)
    await carla.say('queja')
    await carla.say(`salir ${villa.inviteCode.toLowerCase()}`)
    expect(carla.text()).toContain('Villa Nueva')
    await carla.say('mis datos')
    expect(carla.text()).toContain('Mixco')
    expect(carla.text()).not.toContain('Villa Nueva')
  })
})
