import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { InboundMessage } from '../../src/bot/channel.js'
import { conversationKeys } from '../../src/bot/channels/webchat/conversation-keys.js'
import { newSession } from '../../src/bot/engine/index.js'
import type { Session } from '../../src/bot/engine/types.js'
import { createRuntime, type EffectHandlers } from '../../src/bot/runtime.js'
import { claimTurn, turnStatements } from '../../src/bot/turn-statements.js'
import { type Database, openDatabase } from '../../src/db/client.js'
import { contacts, departments, inboundMessages, outbox, replyReplays, sessions } from '../../src/db/schema/index.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { silentLogger, tinyEngine } from '../support/tiny-engine.js'

const at = new Date('2026-11-25T12:00:00Z')
let sequence = 0
function message(text: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  sequence++
  return { channel: 'telegram', externalId: `t${sequence}`, from: { channelUserId: 'chat-9' }, receivedAt: at, content: { kind: 'text', text }, ...overrides }
}

const asking: Session = { ...newSession('es'), flowId: 'menu', nodeId: 'what', waiting: 'input', lastActivityAt: at.toISOString() }

describe.each(databaseKinds)('a turn in two statements on %s', (kind) => {
  let database: Database & { url?: string }
  let created: number

  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })
  beforeEach(async () => {
    created = 0
    await database.db.delete(outbox)
    await database.db.delete(inboundMessages)
    await database.db.delete(sessions)
    await database.db.delete(contacts)
    await database.db.delete(departments)
  })

  const readOf = async (incoming: InboundMessage, locale: string, when: Date, fresh: Session) => {
    const read = await turnStatements(database.db).read(incoming, locale, when, fresh)
    if (!read) throw new Error('the read found no contact')
    return read
  }
  const versionOf = async (contactId: string) => (await database.db.select().from(sessions).where(eq(sessions.contactId, contactId)))[0]?.version

  it('reads a new contact with a fresh session in its language, and an old one as it was', async () => {
    const first = await readOf(message('hola', { from: { channelUserId: 'chat-9', locale: 'en' } }), 'en', at, newSession('es'))
    expect(first).toMatchObject({ contactLocale: 'en', version: 0, seen: false, state: { locale: 'en', flowId: null } })
    const again = await readOf(message('hola'), 'es', at, newSession('es'))
    expect(again.contactId).toBe(first.contactId)
    // the contact keeps its language; the read does not make a second session
    expect(again).toMatchObject({ contactLocale: 'en', version: 0, state: { locale: 'en' } })
    expect(await database.db.select().from(sessions)).toHaveLength(1)
  })

  it('touches the contact\'s last seen at most once a minute', async () => {
    await readOf(message('hola'), 'es', at, newSession('es'))
    const lastSeen = async () => (await database.db.select().from(contacts))[0]?.lastSeenAt.toISOString()
    await readOf(message('hola'), 'es', new Date(at.getTime() + 30_000), newSession('es'))
    expect(await lastSeen()).toBe(at.toISOString())
    const later = new Date(at.getTime() + 90_000)
    await readOf(message('hola'), 'es', later, newSession('es'))
    expect(await lastSeen()).toBe(later.toISOString())
  })

  it('writes nothing over a session that changed after the read, so the turn can go the long way', async () => {
    const incoming = message('no hay medicinas')
    const read = await readOf(incoming, 'es', at, newSession('es'))
    // another instance saves first
    await database.db.update(sessions).set({ version: 5 }).where(eq(sessions.contactId, read.contactId))
    const outcome = await turnStatements(database.db).save({
      message: incoming,
      contactId: read.contactId,
      version: 0,
      session: asking,
      at,
      inline: false,
      queued: [{ channel: 'telegram', address: 'chat-9', contactId: read.contactId, locale: 'es', reply: { text: 'hola' }, kind: 'reply' }],
    })
    expect(outcome).toBe('changed')
    expect(await versionOf(read.contactId)).toBe(5)
    expect(await database.db.select().from(inboundMessages)).toEqual([])
    expect(await database.db.select().from(outbox)).toEqual([])
  })

  it('undoes the whole save when the message was recorded meanwhile: no second session step, replay or reply', async () => {
    const cipher = conversationKeys(Buffer.alloc(32, 3)).replay('a-conversation-secret-777777')
    const incoming = message('hola', { channel: 'webchat', from: { channelUserId: 'wc1.turns' }, replay: cipher })
    const read = await readOf(incoming, 'es', at, newSession('es'))
    await database.db.insert(inboundMessages).values({ channel: 'webchat', externalId: incoming.externalId, receivedAt: at })
    const outcome = await turnStatements(database.db).save({
      message: incoming,
      contactId: read.contactId,
      version: 0,
      session: asking,
      at,
      locale: 'en',
      sealedReplay: cipher.seal(Buffer.from('[]')),
      inline: true,
      queued: [],
    })
    expect(outcome).toBe('seen')
    expect(await versionOf(read.contactId)).toBe(0)
    expect(await database.db.select().from(replyReplays)).toEqual([])
    expect((await database.db.select().from(contacts))[0]?.locale).toBe('es')
  })

  it('saves the session, the inbound record unlinked for an inline channel, its sealed replay and a language change together', async () => {
    const cipher = conversationKeys(Buffer.alloc(32, 3)).replay('a-conversation-secret-888888')
    const incoming = message('hola', { channel: 'webchat', from: { channelUserId: 'wc1.saved' }, replay: cipher })
    const read = await readOf(incoming, 'es', at, newSession('es'))
    const outcome = await turnStatements(database.db).save({
      message: incoming,
      contactId: read.contactId,
      version: 0,
      session: { ...asking, locale: 'en' },
      at,
      locale: 'en',
      sealedReplay: cipher.seal(Buffer.from('[{"text":"hi"}]')),
      inline: true,
      queued: [],
    })
    expect(outcome).toBe('saved')
    expect(await versionOf(read.contactId)).toBe(1)
    const [inbound] = await database.db.select().from(inboundMessages)
    expect(inbound).toMatchObject({ channel: 'webchat', externalId: incoming.externalId, contactId: null })
    const [replay] = await database.db.select().from(replyReplays)
    expect(replay?.inboundId).toBe(inbound?.id)
    expect(cipher.open(replay?.sealed ?? Buffer.alloc(0))?.toString('utf8')).toBe('[{"text":"hi"}]')
    expect((await database.db.select().from(contacts))[0]?.locale).toBe('en')
  })

  it('queues replies in order, linked to the contact and the inbound message, due when the app says', async () => {
    const incoming = message('hola')
    const read = await readOf(incoming, 'es', at, newSession('es'))
    const queued = ['uno', 'dos', 'tres'].map((text) => ({ channel: 'telegram' as const, address: 'chat-9', contactId: read.contactId, locale: 'es', reply: { text }, kind: 'reply' as const, notBefore: at }))
    expect(await turnStatements(database.db).save({ message: incoming, contactId: read.contactId, version: 0, session: asking, at, inline: false, queued })).toBe('saved')
    const [inbound] = await database.db.select().from(inboundMessages)
    expect(inbound?.contactId).toBe(read.contactId)
    const rows = await database.db.select().from(outbox).orderBy(outbox.id)
    expect(rows.map((row) => row.body)).toEqual([{ text: 'uno' }, { text: 'dos' }, { text: 'tres' }])
    expect(rows.every((row) => row.inboundId === inbound?.id && row.contactId === read.contactId && row.status === 'pending')).toBe(true)
    expect(rows[0]?.nextAttemptAt.toISOString()).toBe(at.toISOString())
  })

  const claim = (incoming: InboundMessage, inline = false) => database.db.transaction((tx) => claimTurn(tx, incoming, { locale: 'es', at, fresh: newSession('es'), inline }))

  it('claims a message for the long way in one statement: contact, inbound row linked to it, session made', async () => {
    const incoming = message('hola', { from: { channelUserId: 'chat-9', locale: 'en' } })
    const claimed = await claim(incoming)
    expect(claimed).toMatchObject({ contactLocale: 'es', state: { locale: 'es', flowId: null } })
    const [inbound] = await database.db.select().from(inboundMessages)
    expect(inbound).toMatchObject({ id: claimed?.inboundId, contactId: claimed?.contactId, externalId: incoming.externalId })
    const [session] = await database.db.select().from(sessions)
    expect(session?.contactId).toBe(claimed?.contactId)
    // a session already there is read as it is, not replaced
    await database.db.update(sessions).set({ state: asking })
    expect((await claim(message('otra')))?.state).toMatchObject({ flowId: 'menu', nodeId: 'what' })
  })

  it('claims nothing for a message seen before, and does not bring back a contact forgotten since', async () => {
    const incoming = message('hola')
    expect(await claim(incoming)).not.toBeNull()
    expect(await claim({ ...incoming })).toBeNull()
    // "borrar mis datos": the contact is gone; the same message delivered again makes no new one
    await database.db.delete(contacts)
    expect(await claim({ ...incoming })).toBeNull()
    expect(await database.db.select().from(contacts)).toHaveLength(0)
  })

  it('leaves an inline channel\'s inbound row unlinked to the contact', async () => {
    const claimed = await claim(message('hola', { channel: 'webchat' }), true)
    expect(claimed).not.toBeNull()
    const [inbound] = await database.db.select().from(inboundMessages)
    expect(inbound?.contactId).toBeNull()
  })

  it('locks the session: a second claim of the same contact waits until the first transaction ends', async () => {
    const second = await secondInstance()
    try {
      await claim(message('hola'))
      const order: string[] = []
      let release = () => {}
      const held = new Promise<void>((resolve) => (release = resolve))
      const first = database.db.transaction(async (tx) => {
        await claimTurn(tx, message('uno'), { locale: 'es', at, fresh: newSession('es'), inline: false })
        order.push('first claimed')
        await held
        order.push('first done')
      })
      while (!order.includes('first claimed')) await new Promise((resolve) => setTimeout(resolve, 10))
      const other = second.db.transaction(async (tx) => {
        await claimTurn(tx, message('dos'), { locale: 'es', at, fresh: newSession('es'), inline: false })
        order.push('second claimed')
      })
      await new Promise((resolve) => setTimeout(resolve, 200))
      release()
      await Promise.all([first, other])
      expect(order).toEqual(['first claimed', 'first done', 'second claimed'])
    } finally {
      if (second !== database) await second.close()
    }
  })

  /** A second app instance's database: on PostgreSQL its own connections; on PGlite the one database, shared. */
  const secondInstance = async (): Promise<Database> =>
    kind === 'postgres' && database.url ? openDatabase({ kind: 'postgres', url: database.url, maxConnections: 2 }) : database

  /** A runtime's options but the database: the tiny flow, whose answer files a case counted in `created`. */
  const runtimeOptions = () => {
    const handlers: EffectHandlers = {
      'case.create': () => {
        created++
        return Promise.resolve({ code: `CASE-${created}` })
      },
    }
    return { engine: tinyEngine(), handlers, inlineChannels: new Set(['webchat'] as const), defaultLocale: 'es', logger: silentLogger, now: () => at }
  }

  it('handles each message delivered to two instances at once once: one step, one set of replies, the same answer', async () => {
    const second = await secondInstance()
    const options = runtimeOptions()
    const one = createRuntime({ ...options, db: database.db })
    const two = createRuntime({ ...options, db: second.db })
    try {
      for (let round = 0; round < 4; round++) {
        // a greeting (asked a question: no effect) and an answer (files a case: an effect), each sent to both
        for (const text of ['hola', `falta medicina ${round}`]) {
          const incoming = message(text)
          const [a, b] = await Promise.all([one.handle(incoming), two.handle({ ...incoming })])
          expect([a.duplicate, b.duplicate].sort()).toEqual([false, true])
          expect(a.replies).toEqual(b.replies)
        }
      }
      const [contact] = await database.db.select().from(contacts)
      // eight messages, each stepped once, each answer's case filed once
      expect(await versionOf(contact?.id ?? '')).toBe(8)
      expect(await database.db.select().from(inboundMessages)).toHaveLength(8)
      expect(created).toBe(4)
    } finally {
      if (second !== database) await second.close()
    }
  })

  it('answers as if it had read the session when another instance changed it since this one saved it', async () => {
    const second = await secondInstance()
    const base = runtimeOptions()
    // the same exchanges, with this instance keeping sessions in memory and with it reading every time
    const tell = async (recentSessions: number, chat: string) => {
      created = 0
      const one = createRuntime({ ...base, db: database.db, recentSessions })
      const two = createRuntime({ ...base, db: second.db })
      const from = { channelUserId: chat }
      const said: string[][] = []
      for (const [runtime, text] of [[one, 'hola'], [two, 'cancelar'], [one, 'cancelar'], [one, 'hola'], [two, 'hola'], [one, 'falta agua']] as const) {
        said.push((await runtime.handle(message(text, { from }))).replies.map((reply) => reply.text))
      }
      return said
    }
    try {
      const remembered = await tell(5_000, 'chat-remembered')
      const read = await tell(0, 'chat-read')
      expect(remembered).toEqual(read)
      // the last answer was taken where the other instance had left the conversation
      expect(remembered).toEqual([
        ['tiny.ask'],
        ['engine.cancelled', 'tiny.ask'],
        // stepped from memory, saved over a version the other instance had passed: read again
        ['engine.cancelled', 'tiny.ask'],
        ['tiny.done CASE-1'],
        ['tiny.ask'],
        ['tiny.done CASE-2'],
      ])
      const [contact] = await database.db.select().from(contacts).where(eq(contacts.channelUserId, 'chat-remembered'))
      // six messages, six saves, none lost or applied twice
      expect(await versionOf(contact?.id ?? '')).toBe(6)
    } finally {
      if (second !== database) await second.close()
    }
  })
})
