import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { commentCase } from '../../src/cases/comment-case.js'
import { transitionCase } from '../../src/cases/transition-case.js'
import type { Database } from '../../src/db/client.js'
import { cases, outbox } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { fileCase, forceStatus, newContact } from './case-fixture.js'

const now = new Date('2026-11-25T15:00:00Z')

describe.each(databaseKinds)('citizen notifications on %s', (kind) => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db)
  })
  afterAll(async () => {
    await database.close()
  })

  const messagesTo = async (address: string) =>
    (await database.db.select({ body: outbox.body, channel: outbox.channel }).from(outbox).where(eq(outbox.address, address))).map((row) => ({
      channel: row.channel,
      text: JSON.stringify(row.body),
    }))
  const resolve = (code: string, extra: { public?: boolean } = {}) =>
    database.db.transaction((tx) =>
      transitionCase(tx, { code, to: 'resolved', note: 'Ya llegó la amoxicilina.', actor: 'token:ana', scope: null, now, ...extra }),
    )

  it('tells a Spanish-speaking citizen in Spanish, on their channel, with the public note', async () => {
    const contact = await newContact(database, 'chat-es')
    const { code } = await fileCase(database, { now, contactId: contact.id })
    await resolve(code)
    const [message] = await messagesTo('chat-es')
    expect(message?.channel).toBe('telegram')
    expect(message?.text).toContain(`Novedades de su caso ${code}: Dirección de Área de Salud Guatemala Nor Occidente`)
    expect(message?.text).toContain('lo dio por resuelto')
    expect(message?.text).toContain('Nota de la institución: «Ya llegó la amoxicilina.»')
    expect(message?.text).toContain(`escriba «estado ${code}»`)
  })

  it('tells an English-speaking citizen in English', async () => {
    const contact = await newContact(database, 'chat-en', 'en')
    const { code } = await fileCase(database, { now, contactId: contact.id })
    await forceStatus(database, code, 'routed')
    await database.db.transaction((tx) => transitionCase(tx, { code, to: 'acknowledged', actor: 'token:ana', scope: null, now }))
    const [message] = await messagesTo('chat-en')
    expect(message?.text).toContain(`News on your case ${code}: Dirección de Área de Salud Guatemala Nor Occidente`)
    expect(message?.text).toContain('has reviewed it')
  })

  it('sends a public comment and keeps a private one to staff', async () => {
    const contact = await newContact(database, 'chat-comment')
    const { code } = await fileCase(database, { now, contactId: contact.id })
    const comment = (note: string, isPublic: boolean) =>
      database.db.transaction((tx) => commentCase(tx, { code, note, public: isPublic, actor: 'token:ana', scope: null, now }))
    await comment('Revisamos el inventario.', true)
    await comment('Llamar al director del centro.', false)
    const messages = await messagesTo('chat-comment')
    expect(messages).toHaveLength(1)
    expect(messages[0]?.text).toContain('Revisamos el inventario.')
  })

  it('tells nobody of a private change, of an anonymous case, or when the citizen chose no follow-ups', async () => {
    const quiet = await newContact(database, 'chat-quiet')
    const privateCase = await fileCase(database, { now, contactId: quiet.id })
    await resolve(privateCase.code, { public: false })

    const optedOut = await fileCase(database, { now, contactId: quiet.id })
    await database.db.update(cases).set({ followUps: false }).where(eq(cases.code, optedOut.code))
    await resolve(optedOut.code)
    expect(await messagesTo('chat-quiet')).toEqual([])

    const anonymous = await fileCase(database, { now, contactId: quiet.id, draft: { identity: 'anonymous' } })
    const before = (await database.db.select().from(outbox)).length
    await resolve(anonymous.code)
    expect((await database.db.select().from(outbox)).length).toBe(before)
  })
})
