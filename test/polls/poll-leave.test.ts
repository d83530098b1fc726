import { and, eq, isNull } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { pollInvitations } from '../../src/db/schema/index.js'
import { createTranslate } from '../../src/i18n/index.js'
import { getGroup, createGroup } from '../../src/polls/groups.js'
import { openPollNow } from '../../src/polls/poll-lifecycle.js'
import { createPoll } from '../../src/polls/poll-store.js'
import { testApp, webchatConversation } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { samplePoll } from './fixtures.js'

const t = createTranslate()

describe.each(databaseKinds)('leaving one group, on %s', (kind) => {
  let database: Database
  let app: Composed
  const clock = new Date('2026-12-02T15:00:00Z')

  beforeAll(async () => {
    database = await freshDatabase(kind)
    app = await testApp(database, () => clock)
  })
  afterAll(async () => {
    await database.close()
  })

  const pollFor = async (group: string) => {
    const poll = await createPoll(database.db, samplePoll({ audience: { groups: [group], municipalities: [] }, remindAt: undefined }), clock)
    await database.db.transaction((tx) => openPollNow(tx, poll.id, clock))
    return poll.id
  }
  const active = async (pollId: string) =>
    (await database.db.select().from(pollInvitations).where(and(eq(pollInvitations.pollId, pollId), isNull(pollInvitations.withdrawnAt)))).length

  it('asks which when the member is in several groups, leaves only the one named, and its polls only', async () => {
    const mixco = await createGroup(database.db, { name: 'Mesa de Mixco' }, clock)
    const salud = await createGroup(database.db, { name: 'Comité de salud' }, clock)
    const ana = webchatConversation(app.app, 'ana-leave-one-conversation')
    await ana.say(`unirme ${mixco.inviteCode}`)
    await ana.say(`unirme ${salud.inviteCode}`)
    const [mixcoPoll, saludPoll] = [await pollFor(mixco.id), await pollFor(salud.id)]

    await ana.say('salir')
    expect(ana.text()).toContain(`• Mesa de Mixco: ${mixco.inviteCode}`)
    expect(ana.text()).toContain(`• Comité de salud: ${salud.inviteCode}`)
    await ana.say(mixco.inviteCode.toLowerCase())
    expect(ana.text()).toBe(t('es', 'pollLeave.oneGroup', { left: { group: 'Mesa de Mixco' } }))
    expect((await getGroup(database.db, mixco.id)).members).toBe(0)
    expect((await getGroup(database.db, salud.id)).members).toBe(1)
    expect(await active(mixcoPoll)).toBe(0)
    expect(await active(saludPoll)).toBe(1)

    // one group left: "salir" leaves it at once
    await ana.say('salir')
    expect(ana.text()).toBe(t('es', 'pollLeave.done'))
    expect((await getGroup(database.db, salud.id)).members).toBe(0)
  })

  it('leaves every group with "todas", and asks again for a code it does not know', async () => {
    const a = await createGroup(database.db, { name: 'Mesa A' }, clock)
    const b = await createGroup(database.db, { name: 'Mesa B' }, clock)
    const beto = webchatConversation(app.app, 'beto-leave-all-conversation')
    await beto.say(`unirme ${a.inviteCode}`)
    await beto.say(`unirme ${b.inviteCode}`)
    await beto.say('salir')
    await beto.say('la de mi barrio')
    expect(beto.text()).toContain('• Mesa A:')
    await beto.say('todas')
    expect(beto.text()).toBe(t('es', 'pollLeave.done'))
    expect([(await getGroup(database.db, a.id)).members, (await getGroup(database.db, b.id)).members]).toEqual([0, 0])
  })
})
