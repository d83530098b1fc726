import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../../src/auth/tokens.js'
import type { Composed } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { contacts, webchatMessages } from '../../../src/db/schema/index.js'
import { unitId } from '../../cases/case-fixture.js'
import { fileWebchatComplaint, testApp, webchatConversation, webchatSecret } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { whereFound } from './find-anywhere.js'

/**
 * The attacker works in the office the citizen complained about and holds its institution token.
 * The web chat's conversation id is the citizen's only credential: whoever has it reads their
 * messages, lists their cases with "mis datos" and speaks as them. Nothing the token can read may
 * carry the id, or anything that works as it.
 */
describe.each(databaseKinds)('an institution token holder against a web chat citizen on %s', (kind) => {
  let database: Database
  let composed: Composed
  let token = ''
  const citizen = 'victim-conversation-7f3c1d9e-0b2a'

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
    token = (await createToken(database.db, { name: 'oficina', role: 'institution', unitIds: [await unitId(database, 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')] })).token
  })
  afterAll(async () => {
    await database.close()
  })

  const api = async (path: string) => {
    const response = await composed.app.request(path, { headers: { authorization: `Bearer ${token}` } })
    return { status: response.status, text: await response.text() }
  }

  it('cannot get the conversation id, or anything that opens the conversation, from any answer', async () => {
    const { code, chat } = await fileWebchatComplaint(composed.app, citizen, { description: 'El director cobra por las consultas.', identity: /confidencial/i })
    // the citizen lets the office contact them: the strongest case for the office
    await chat.say(`compartir mis datos ${code}`)
    await chat.say('sí')
    expect(chat.text()).toMatch(/podrá ver su contacto/)

    const answers = [await api(`/api/v1/cases/${code}`), await api('/api/v1/cases?limit=200'), await api(`/api/v1/cases/${code}/contact`)]
    const contact = answers[2]
    expect(contact?.status).toBe(409)
    expect(contact?.text).toMatch(/no way to reach that citizen except the chat itself/)
    for (const answer of answers) expect(answer.text).not.toContain(webchatSecret(citizen))

    // Whatever the office could read, tried as the conversation id, opens nothing.
    const [row] = await database.db.select({ key: contacts.channelUserId }).from(contacts).where(sql`${contacts.channel} = 'webchat'`).limit(1)
    const candidates = [row?.key ?? '', ...answers.flatMap((answer) => answer.text.match(/[A-Za-z0-9_.-]{22,64}/g) ?? [])]
    for (const candidate of candidates) {
      const usable = candidate.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64).padEnd(22, '0')
      const poll = await composed.app.request('/webchat/messages', { headers: { 'x-conversation-id': usable } })
      expect(await poll.text()).not.toContain(code)
      const asCitizen = webchatConversation(composed.app, usable)
      await asCitizen.say('mis datos')
      expect(asCitizen.text()).not.toContain(code)
    }
  })

  it('finds no raw conversation id in any table', async () => {
    await webchatConversation(composed.app, 'someone-else-0c5e2a7d9b41').say('hola')
    expect(await whereFound(database, webchatSecret(citizen))).toEqual([])
    expect(await whereFound(database, 'someone-else-0c5e2a7d9b41')).toEqual([])
  })

  it('refuses a conversation id too short to be a secret, saying why', async () => {
    const response = await composed.app.request('/webchat/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: 'conversation-1', messageId: 'message-0001', text: 'hola' }),
    })
    expect(response.status).toBe(400)
    expect(await response.text()).toMatch(/at least 22 characters/)
  })
})

describe.each(databaseKinds)('a web chat conversation from before the upgrade on %s', (kind) => {
  let database: Database
  const old = 'c9a1f1d2-6b7e-4c55-9d0e-0d1f2e3a4b5c'

  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })

  it('keeps working under its keyed id, and the raw id is gone from the database', async () => {
    // the schema and the server secret, as the running app had them
    await testApp(database)
    // As the previous version stored it: the id itself, a pending message for the page.
    await database.db.insert(contacts).values({ channel: 'webchat', channelUserId: old, locale: 'es' })
    await database.db.insert(webchatMessages).values({ conversationId: old, body: { text: 'Novedades de su caso' } })
    expect(await whereFound(database, old)).not.toEqual([])

    const restarted = await testApp(database)
    expect(await whereFound(database, old)).toEqual([])
    const poll = await restarted.app.request('/webchat/messages', { headers: { 'x-conversation-id': old } })
    expect(await poll.json()).toEqual({ replies: [{ text: 'Novedades de su caso' }], locale: 'es' })
    const chat = webchatConversation(restarted.app, old)
    await chat.say('hola')
    expect(chat.text()).toMatch(/Qué desea hacer/)
    const rows = await database.db.select().from(contacts).where(sql`${contacts.channel} = 'webchat'`)
    expect(rows).toHaveLength(1)
  })
})
