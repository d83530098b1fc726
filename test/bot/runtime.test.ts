import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { InboundMessage } from '../../src/bot/channel.js'
import { createRuntime, type EffectHandlers } from '../../src/bot/runtime.js'
import type { Database } from '../../src/db/client.js'
import { conversationKeys } from '../../src/bot/channels/webchat/conversation-keys.js'
import { departments, inboundMessages, outbox, replyReplays, sessions } from '../../src/db/schema/index.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { silentLogger, tinyEngine } from '../support/tiny-engine.js'

let sequence = 0
function message(text: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  sequence++
  return {
    channel: 'telegram',
    externalId: `m${sequence}`,
    from: { channelUserId: 'chat-1' },
    receivedAt: new Date('2026-11-25T12:00:00Z'),
    content: { kind: 'text', text },
    ...overrides,
  }
}

describe.each(databaseKinds)('runtime on %s', (kind) => {
  let database: Database
  let created: string[]
  let failNextCreate: boolean

  const handlers: EffectHandlers = {
    'case.create': async (tx, effect) => {
      // Writes something first, so a failure afterwards shows whether the write was rolled back.
      await tx.insert(departments).values({ code: `9${created.length}`, name: String(effect.args.what) })
      if (failNextCreate) throw new Error('case store unavailable')
      created.push(String(effect.args.what))
      return { code: `CASE-${created.length}` }
    },
    'case.lookup': async () => ({ found: false }),
    // effects of case follow-up and staff chat, which the tiny flows never ask for
    'case.reopen': async () => null,
    'case.solved': async () => null,
    'staff.link': async () => null,
    'staff.ack': async () => null,
    'staff.case': async () => null,
    // poll effects, which the tiny flows never ask for either
    'poll.answer': async () => null,
    'poll.join': async () => null,
    'poll.subscribe': async () => null,
    // privacy effects, likewise
    'contact.forget': async () => null,
    'contact.summary': async () => null,
    'contact.release': async () => null,
    'poll.leave': async () => null,
    'poll.pending': async () => null,
  }

  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })
  beforeEach(async () => {
    created = []
    failNextCreate = false
    await database.db.delete(outbox)
    await database.db.delete(inboundMessages)
    await database.db.delete(sessions)
    await database.db.delete(departments)
  })

  const runtime = () =>
    createRuntime({
      db: database.db,
      engine: tinyEngine(),
      handlers,
      inlineChannels: new Set(['webchat']),
      defaultLocale: 'es',
      logger: silentLogger,
      now: () => new Date('2026-11-25T12:00:00Z'),
    })

  it('asks, performs the effect with the answer, and queues the replies in the outbox', async () => {
    const bot = runtime()
    expect((await bot.handle(message('hola'))).replies.map((r) => r.text)).toEqual(['tiny.ask'])
    expect((await bot.handle(message('no hay medicinas'))).replies.map((r) => r.text)).toEqual(['tiny.done CASE-1'])
    expect(created).toEqual(['no hay medicinas'])
    const queued = await database.db.select().from(outbox)
    expect(queued.map((row) => row.status)).toEqual(['pending', 'pending'])
    expect(queued.every((row) => row.address === 'chat-1' && row.channel === 'telegram')).toBe(true)
  })

  it('wakes the outbox once a message that queued replies has committed, and not for an inline channel', async () => {
    let wakes = 0
    const bot = createRuntime({
      db: database.db,
      engine: tinyEngine(),
      handlers,
      inlineChannels: new Set(['webchat']),
      defaultLocale: 'es',
      logger: silentLogger,
      now: () => new Date('2026-11-25T12:00:00Z'),
      onQueued: () => {
        wakes++
      },
    })
    await bot.handle(message('hola'))
    expect(wakes).toBe(1)
    await bot.handle(message('hola', { channel: 'webchat', from: { channelUserId: 'wc1.inline-conversation' } }))
    expect(wakes).toBe(1)
  })

  it('handles the same inbound message twice as one, answering the repeat with the first replies', async () => {
    const bot = runtime()
    await bot.handle(message('hola'))
    const answer = message('falta personal')
    const first = await bot.handle(answer)
    const second = await bot.handle({ ...answer })
    expect(first.duplicate).toBe(false)
    expect(second).toEqual({ duplicate: true, replies: first.replies })
    expect(created).toEqual(['falta personal'])
    expect(await database.db.select().from(outbox)).toHaveLength(2)
  })

  it('processes two messages of one contact sent at once in arrival order', async () => {
    const bot = runtime()
    const [greeting, answer] = await Promise.all([bot.handle(message('hola')), bot.handle(message('primera respuesta'))])
    expect(greeting.replies.map((r) => r.text)).toEqual(['tiny.ask'])
    expect(answer.replies.map((r) => r.text)).toEqual(['tiny.done CASE-1'])
    expect(created).toEqual(['primera respuesta'])
  })

  it('keeps nothing an effect that throws did, and asks the same question again, kindly', async () => {
    const bot = runtime()
    await bot.handle(message('hola'))
    failNextCreate = true
    const failing = message('se cayó')
    const answered = await bot.handle(failing)
    expect(answered.replies.map((r) => r.text)).toEqual(['engine.effectFailed', 'tiny.ask'])

    // the effect's own write is undone; the citizen is still at the question
    expect(await database.db.select().from(departments)).toEqual([])
    const [after] = await database.db.select().from(sessions)
    expect(after?.state).toMatchObject({ flowId: 'menu', nodeId: 'what', waiting: 'input', vars: {} })
    // told through the outbox like any reply, so Telegram and WhatsApp citizens hear it too
    expect((await database.db.select().from(outbox)).map((row) => row.status)).toEqual(['pending', 'pending', 'pending'])

    failNextCreate = false
    const again = await bot.handle(message('se cayó'))
    expect(again.replies.map((r) => r.text)).toEqual(['tiny.done CASE-1'])
  })

  it('keeps an inline channel\'s replies only sealed, for a retry that holds the key', async () => {
    const bot = runtime()
    const cipher = conversationKeys(Buffer.alloc(32, 7)).replay('a-conversation-secret-123456')
    const first = message('hola', { channel: 'webchat', from: { channelUserId: 'wc1.conversation-1' }, replay: cipher })
    const answered = await bot.handle(first)
    expect(await database.db.select().from(outbox)).toEqual([])
    const [replay] = await database.db.select().from(replyReplays)
    expect(replay?.sealed.toString('utf8')).not.toContain(answered.replies[0]?.text.slice(0, 10))

    expect((await bot.handle(first)).replies).toEqual(answered.replies)
    // the same message id under another conversation's key opens nothing
    const stranger = conversationKeys(Buffer.alloc(32, 7)).replay('someone-else-entirely-0000')
    expect(await bot.handle({ ...first, replay: stranger })).toEqual({ duplicate: true, replies: [] })
  })
})
