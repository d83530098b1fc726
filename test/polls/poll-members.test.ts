import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { auditLog, contacts } from '../../src/db/schema/index.js'
import { createGroup } from '../../src/polls/groups.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { testApp, webchatConversation } from '../support/app.js'

const MEMBER = /M-[0-9A-Z]{6}/

describe.each(databaseKinds)('removing a member of a mesa, on %s', (kind) => {
  let database: Database
  let app: Composed
  let admin = ''

  beforeAll(async () => {
    database = await freshDatabase(kind)
    app = await testApp(database)
    admin = (await createToken(database.db, { name: 'admin', role: 'admin' })).token
  })
  afterAll(async () => {
    await database.close()
  })

  const call = async (token: string, method: string, path: string, body?: unknown) =>
    app.app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })

  it('tells a member their number, lists members by number only, and takes one out by it', async () => {
    const mixco = await createGroup(database.db, { name: 'Mesa de Mixco', municipalityCode: '0108' }, new Date())
    const other = await createGroup(database.db, { name: 'Mesa de Villa Nueva', municipalityCode: '0114' }, new Date())
    const ana = webchatConversation(app.app, 'ana-member-number-conversation')
    const beto = webchatConversation(app.app, 'beto-member-number-conversation')
    await ana.say(`unirme ${mixco.inviteCode}`)
    const anaNumber = MEMBER.exec(ana.text())?.[0]
    await beto.say(`unirme ${mixco.inviteCode}`)
    const betoInMixco = MEMBER.exec(beto.text())?.[0]
    await beto.say(`unirme ${other.inviteCode}`)
    // a number per mesa: the two cannot be linked
    expect(MEMBER.exec(beto.text())?.[0]).not.toBe(betoInMixco)
    if (!anaNumber || !betoInMixco) throw new Error('no member number in the welcome')

    const issued = await call(admin, 'POST', '/api/v1/tokens', { name: 'facilitadora Mixco', role: 'facilitator', groupIds: [mixco.id] })
    const facilitator = z.object({ token: z.string() }).parse(await issued.json()).token
    const listed = await call(facilitator, 'GET', `/api/v1/poll-groups/${mixco.id}/members`)
    const members = z.array(z.object({ member: z.string(), joinedAt: z.string() })).parse(await listed.json())
    expect(members.map((m) => m.member)).toContain(anaNumber)
    expect(members).toHaveLength(2)
    // nothing in the list names a contact
    const ids = (await database.db.select({ id: contacts.id, key: contacts.channelUserId }).from(contacts)).flatMap((row) => [row.id, row.key])
    for (const id of ids) expect(JSON.stringify(members)).not.toContain(id)
    // another mesa's roster does not exist for this facilitator
    expect((await call(facilitator, 'GET', `/api/v1/poll-groups/${other.id}/members`)).status).toBe(404)

    expect((await call(facilitator, 'POST', `/api/v1/poll-groups/${mixco.id}/members/${anaNumber.toLowerCase()}/remove`)).status).toBe(200)
    const after = z.array(z.object({ member: z.string() })).parse(await (await call(facilitator, 'GET', `/api/v1/poll-groups/${mixco.id}/members`)).json())
    expect(after.map((m) => m.member)).toEqual([betoInMixco])
    expect((await call(facilitator, 'POST', `/api/v1/poll-groups/${mixco.id}/members/${anaNumber}/remove`)).status).toBe(404)
    const audit = await database.db.select().from(auditLog)
    expect(audit.some((row) => row.action === 'remove_member' && row.entityId === mixco.id)).toBe(true)
    await ana.say('mis datos')
    expect(ana.text()).not.toContain('Mesa de Mixco')
  })
})
