import type { ServerResponse } from 'node:http'
import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Channel, ChannelKind } from '../../src/bot/channel.js'
import { createTelegramChannel } from '../../src/bot/channels/telegram/telegram-channel.js'
import { backoffMs, createOutboxWorker, type DeliveryEvent, enqueue, type OutboxWorker } from '../../src/bot/outbox.js'
import type { Database } from '../../src/db/client.js'
import { outbox } from '../../src/db/schema/index.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { FAKE_TOKEN } from '../support/fake-bot-api.js'
import { startLocalServer } from '../support/local-http-server.js'
import { silentLogger } from '../support/tiny-engine.js'

/** What the fake Bot API answers one sendMessage with: a status and JSON body, or never. */
type Answer = { status: number; body: unknown; type?: string } | 'never'
const SendSchema = z.object({ chat_id: z.union([z.string(), z.number()]), text: z.string() })

/**
 * A Bot API root on 127.0.0.1 whose sendMessage answers per chat from a script (then succeeds),
 * recording every attempt in order; a request it never answers is cut when the test ends.
 */
async function scriptedBotApi() {
  const scripts = new Map<string, Answer[]>()
  const attempts: { chatId: string; text: string }[] = []
  const hanging: ServerResponse[] = []
  let messageId = 0
  const server = await startLocalServer((request, response) => {
    const send = SendSchema.safeParse(request.body === '' ? {} : JSON.parse(request.body))
    if (!request.path.endsWith('/sendMessage') || !send.success) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }))
      return
    }
    const chatId = String(send.data.chat_id)
    attempts.push({ chatId, text: send.data.text })
    const answer = scripts.get(chatId)?.shift()
    if (answer === 'never') {
      hanging.push(response)
      return
    }
    const { status, body, type } = answer ?? {
      status: 200,
      body: { ok: true, result: { message_id: ++messageId, date: 0, chat: { id: Number(chatId), type: 'private' }, text: send.data.text } },
    }
    response.writeHead(status, { 'content-type': type ?? 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body))
  })
  return {
    url: server.url,
    attempts,
    /** the next answers to `chatId`, in order */
    script: (chatId: string, ...answers: Answer[]) => scripts.set(chatId, answers),
    textsTo: (chatId: string) => attempts.filter((attempt) => attempt.chatId === chatId).map((attempt) => attempt.text),
    close: async () => {
      for (const response of hanging) response.destroy()
      await server.close()
    },
  }
}

const telegramError = (status: number, description: string, parameters?: Record<string, unknown>): Answer => ({
  status,
  body: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) },
})

describe.each(databaseKinds)('outbox delivery through grammY when Telegram fails, on %s', (kind) => {
  let database: Database
  let api: Awaited<ReturnType<typeof scriptedBotApi>>
  let worker: OutboxWorker
  let channels: ReadonlyMap<ChannelKind, Channel>
  let clock: number
  const events: DeliveryEvent[] = []
  const now = () => new Date(clock)

  beforeAll(async () => {
    database = await freshDatabase(kind)
    api = await scriptedBotApi()
    const telegram = createTelegramChannel({
      db: database.db,
      logger: silentLogger,
      token: FAKE_TOKEN,
      apiRoot: api.url,
      limits: { perSecond: 10_000, perChatPerSecond: 10_000, perChatBurst: 10_000 },
      // long enough for an answered send on a loaded machine (CI runs three test files at once); the 'never' test waits it out
      sendTimeoutMs: 2_000,
    })
    channels = new Map([['telegram', telegram]])
  })
  afterAll(async () => {
    await api.close()
    await database.close()
  })
  beforeEach(async () => {
    clock = Date.parse('2026-12-01T12:00:00Z')
    events.length = 0
    await database.db.delete(outbox)
    // a worker per test: its pacing follows the test clock, which starts over here
    worker = createOutboxWorker({ db: database.db, channels, logger: silentLogger, pollMs: 60_000, now, onDelivery: (event) => events.push(event) })
  })

  const queue = (chatId: string, ...texts: string[]) =>
    enqueue(
      database.db,
      texts.map((text) => ({ channel: 'telegram' as const, address: chatId, locale: 'es', reply: { text }, kind: 'reply' as const, notBefore: now() })),
    )
  const rowsTo = (chatId: string) => database.db.select().from(outbox).where(eq(outbox.address, chatId)).orderBy(asc(outbox.id))

  it('waits the retry_after of a 429 before trying again, keeps the chat’s order, and delivers to other chats meanwhile', async () => {
    api.script('1001', telegramError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }))
    await queue('1001', 'primero', 'segundo')
    await queue('1002', 'a otro chat')

    expect(await worker.runOnce()).toBe(1)
    expect(api.textsTo('1002')).toEqual(['a otro chat'])
    const [first, second] = await rowsTo('1001')
    expect(first).toMatchObject({ status: 'pending', attempts: 1, lastError: '429: Too Many Requests: retry after 7', nextAttemptAt: new Date(clock + 7_000) })
    expect(second).toMatchObject({ status: 'pending', attempts: 0 })
    expect(events).toContainEqual({ channel: 'telegram', kind: 'reply', outcome: 'retry', failure: 'rate_limited' })

    // not before what Telegram asked (the backoff alone would have tried at 5 s)
    clock += 6_990
    expect(await worker.runOnce()).toBe(0)
    clock += 10
    expect(await worker.runOnce()).toBe(2)
    expect(api.textsTo('1001')).toEqual(['primero', 'primero', 'segundo'])
    expect((await rowsTo('1001')).map((row) => [row.status, row.attempts])).toEqual([
      ['sent', 2],
      ['sent', 1],
    ])
  })

  it('retries a 5xx, JSON or a proxy’s HTML page, after its backoff, in order', async () => {
    api.script('1003', telegramError(502, 'Bad Gateway'), { status: 503, body: '<html>Service Unavailable</html>', type: 'text/html' })
    await queue('1003', 'uno', 'dos')

    expect(await worker.runOnce()).toBe(0)
    expect((await rowsTo('1003'))[0]).toMatchObject({ status: 'pending', attempts: 1, lastError: '502: Bad Gateway', nextAttemptAt: new Date(clock + backoffMs(1)) })
    clock += backoffMs(1)
    expect(await worker.runOnce()).toBe(0)
    expect((await rowsTo('1003'))[0]).toMatchObject({ status: 'pending', attempts: 2, nextAttemptAt: new Date(clock + backoffMs(2)) })
    clock += backoffMs(2)
    expect(await worker.runOnce()).toBe(2)
    expect(api.textsTo('1003')).toEqual(['uno', 'uno', 'uno', 'dos'])
    expect(events.filter((event) => event.outcome === 'retry').map((event) => event.failure)).toEqual(['server_error', 'network'])
  })

  it('gives up on a send the Bot API never answers, tries it again later, and delivers to other chats meanwhile', async () => {
    api.script('1004', 'never')
    await queue('1004', 'sin respuesta', 'después')
    await queue('1005', 'a tiempo')

    expect(await worker.runOnce()).toBe(1)
    expect(api.textsTo('1005')).toEqual(['a tiempo'])
    expect(await rowsTo('1004')).toMatchObject([
      { status: 'pending', attempts: 1, lastError: 'the Bot API did not answer in time' },
      { status: 'pending', attempts: 0 },
    ])
    expect(events).toContainEqual({ channel: 'telegram', kind: 'reply', outcome: 'retry', failure: 'timeout' })

    clock += backoffMs(1)
    expect(await worker.runOnce()).toBe(2)
    expect(api.textsTo('1004')).toEqual(['sin respuesta', 'sin respuesta', 'después'])
  })

  it('ends a message to a chat that blocked the bot, or that does not exist, failed with its reason and without its text; other chats still get theirs', async () => {
    api.script('1006', telegramError(403, 'Forbidden: bot was blocked by the user'), telegramError(403, 'Forbidden: bot was blocked by the user'))
    api.script('1007', telegramError(400, 'Bad Request: chat not found'))
    await queue('1006', 'hola', 'sigue ahí')
    await queue('1007', 'hola')
    await queue('1008', 'bienvenida')

    expect(await worker.runOnce()).toBe(1)
    expect((await rowsTo('1006'))[0]).toMatchObject({ status: 'failed', lastError: '403: Forbidden: bot was blocked by the user', body: null })
    expect(await rowsTo('1007')).toMatchObject([{ status: 'failed', lastError: '400: Bad Request: chat not found', body: null }])
    expect(api.textsTo('1008')).toEqual(['bienvenida'])
    // the later message to the blocked chat is tried on its own, and fails on its own
    expect(await worker.runOnce()).toBe(0)
    expect((await rowsTo('1006')).map((row) => row.status)).toEqual(['failed', 'failed'])
    expect(events.filter((event) => event.outcome === 'failed').map((event) => event.failure).sort()).toEqual(['blocked', 'blocked', 'not_found'])
  })
})
