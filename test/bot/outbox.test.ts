import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Channel, DeliveryResult } from '../../src/bot/channel.js'
import type { Reply } from '../../src/bot/engine/types.js'
import { backoffMs, createOutboxWorker, enqueue as queueMessages, releaseHeld } from '../../src/bot/outbox.js'
import type { Database } from '../../src/db/client.js'
import { outbox } from '../../src/db/schema/index.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { silentLogger } from '../support/tiny-engine.js'

/** A channel that records what it was asked to send and answers from a script. */
function recordingChannel(ratePerSecond = 1000) {
  const sent: { address: string; text: string }[] = []
  const script: DeliveryResult[] = []
  const channel: Channel = {
    kind: 'telegram',
    ratePerSecond,
    inlineReplies: false,
    send: async (address: string, reply: Reply) => {
      const result = script.shift() ?? { ok: true, externalId: `x${sent.length + 1}` }
      if (result.ok) sent.push({ address, text: reply.text })
      return result
    },
  }
  return { channel, sent, script }
}

describe.each(databaseKinds)('outbox worker on %s', (kind) => {
  let database: Database
  let clock: number
  const now = () => new Date(clock)

  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })
  beforeEach(async () => {
    clock = Date.parse('2026-11-25T12:00:00Z')
    await database.db.delete(outbox)
  })

  const enqueue = (address: string, text: string, channel = 'telegram') =>
    database.db.insert(outbox).values({ channel, address, body: { text }, nextAttemptAt: now() })

  it('delivers at once when woken after a commit, without waiting for its next poll', async () => {
    const { channel, sent } = recordingChannel()
    const worker = createOutboxWorker({ db: database.db, channels: new Map([['telegram', channel]]), logger: silentLogger, pollMs: 60_000, now })
    worker.start()
    try {
      await enqueue('chat-1', 'enseguida')
      worker.wake()
      await expect.poll(() => sent.map((s) => s.text), { timeout: 5_000 }).toEqual(['enseguida'])
    } finally {
      await worker.stop()
    }
  })

  it('delivers due messages in the order they were written to each chat and marks them sent', async () => {
    const { channel, sent } = recordingChannel()
    await enqueue('chat-1', 'uno')
    await enqueue('chat-2', 'dos')
    await enqueue('chat-1', 'tres')
    const worker = createOutboxWorker({ db: database.db, channels: new Map([['telegram', channel]]), logger: silentLogger, pollMs: 10, now })
    expect(await worker.runOnce()).toBe(3)
    expect(sent.filter((s) => s.address === 'chat-1').map((s) => s.text)).toEqual(['uno', 'tres'])
    expect(sent.filter((s) => s.address === 'chat-2').map((s) => s.text)).toEqual(['dos'])
    const rows = await database.db.select().from(outbox).orderBy(asc(outbox.id))
    expect(rows.map((r) => r.status)).toEqual(['sent', 'sent', 'sent'])
    expect(new Set(rows.map((r) => r.externalId))).toEqual(new Set(['x1', 'x2', 'x3']))
  })

  it('retries a failed message after its backoff and holds back later messages to the same chat', async () => {
    const { channel, sent, script } = recordingChannel()
    script.push({ ok: false, permanent: false, error: 'timeout' })
    await enqueue('chat-1', 'primero')
    await enqueue('chat-1', 'segundo')
    await enqueue('chat-2', 'otro chat')
    const worker = createOutboxWorker({ db: database.db, channels: new Map([['telegram', channel]]), logger: silentLogger, pollMs: 10, now })
    expect(await worker.runOnce()).toBe(1)
    expect(sent.map((s) => s.text)).toEqual(['otro chat'])

    clock += backoffMs(1) - 10
    await enqueue('chat-1', 'tercero')
    expect(await worker.runOnce()).toBe(0)
    clock += 10
    expect(await worker.runOnce()).toBe(3)
    expect(sent.map((s) => s.text)).toEqual(['otro chat', 'primero', 'segundo', 'tercero'])
  })

  it('delivers the goodbye to a forgotten contact and then deletes its row, address and all', async () => {
    const { channel, sent } = recordingChannel()
    await database.db.insert(outbox).values({ channel: 'telegram', address: 'chat-forgotten', body: { text: 'adiós' }, nextAttemptAt: now(), eraseOnSend: true })
    const worker = createOutboxWorker({ db: database.db, channels: new Map([['telegram', channel]]), logger: silentLogger, pollMs: 10, now })
    expect(await worker.runOnce()).toBe(1)
    expect(sent.map((s) => s.text)).toEqual(['adiós'])
    expect(await database.db.select().from(outbox).where(eq(outbox.address, 'chat-forgotten'))).toEqual([])
  })

  it('marks a message failed when the channel says retrying cannot help', async () => {
    const { channel, script } = recordingChannel()
    script.push({ ok: false, permanent: true, error: 'bot was blocked by the user' })
    await enqueue('chat-1', 'hola')
    const worker = createOutboxWorker({ db: database.db, channels: new Map([['telegram', channel]]), logger: silentLogger, pollMs: 10, now })
    await worker.runOnce()
    const [row] = await database.db.select().from(outbox)
    expect(row?.status).toBe('failed')
    expect(row?.lastError).toBe('bot was blocked by the user')
  })

  it('keeps messages for a channel that is not running here pending', async () => {
    const { channel } = recordingChannel()
    await enqueue('5550001', 'hola', 'whatsapp-cloud')
    const worker = createOutboxWorker({ db: database.db, channels: new Map([['telegram', channel]]), logger: silentLogger, pollMs: 10, now })
    expect(await worker.runOnce()).toBe(0)
    const [row] = await database.db.select().from(outbox)
    expect(row?.status).toBe('pending')
  })

  it('paces sends to the channel rate', async () => {
    const { channel } = recordingChannel(2)
    for (const text of ['a', 'b', 'c', 'd']) await enqueue('chat-1', text)
    const waits: number[] = []
    const sleep = async (ms: number) => {
      waits.push(ms)
      clock += ms
    }
    const worker = createOutboxWorker({ db: database.db, channels: new Map([['telegram', channel]]), logger: silentLogger, pollMs: 10, now, sleep })
    await worker.runOnce()
    expect(waits).toEqual([500, 500, 500])
  })

  it('holds a message the platform takes only after the contact writes, holds the later ones beside it, and sends all in order once released', async () => {
    const { channel, sent, script } = recordingChannel()
    script.push({ ok: false, held: true, reason: 'outside 24h window, waiting for the citizen' })
    await enqueue('chat-1', 'aviso')
    await enqueue('chat-1', 'otro aviso')
    await enqueue('chat-2', 'a tiempo')
    const worker = createOutboxWorker({ db: database.db, channels: new Map([['telegram', channel]]), logger: silentLogger, pollMs: 10, now })
    expect(await worker.runOnce()).toBe(1)
    const held = await database.db.select().from(outbox).where(eq(outbox.address, 'chat-1')).orderBy(asc(outbox.id))
    expect(held.map((row) => [row.status, row.lastError, row.body])).toEqual([
      ['held', 'outside 24h window, waiting for the citizen', { text: 'aviso' }],
      ['held', 'outside 24h window, waiting for the citizen', { text: 'otro aviso' }],
    ])
    // held is not due: no poll sends it, however late
    clock += 24 * 3_600_000
    expect(await worker.runOnce()).toBe(0)

    expect(await releaseHeld(database.db, 'telegram', 'chat-1', now())).toBe(2)
    await enqueue('chat-1', 'respuesta a lo que escribió')
    expect(await worker.runOnce()).toBe(3)
    expect(sent.filter((s) => s.address === 'chat-1').map((s) => s.text)).toEqual(['aviso', 'otro aviso', 'respuesta a lo que escribió'])
  })

  it('gives each adapter the language kept on the row', async () => {
    const locales: (string | undefined)[] = []
    const channel: Channel = { kind: 'telegram', ratePerSecond: 1000, inlineReplies: false, send: async (_address, _reply, context) => (locales.push(context?.locale), { ok: true }) }
    await queueMessages(database.db, [
      { channel: 'telegram', address: 'chat-en', locale: 'en', reply: { text: 'hello' }, kind: 'notice', notBefore: now() },
      { channel: 'telegram', address: 'chat-es', locale: 'es', reply: { text: 'hola' }, kind: 'alert', notBefore: now() },
    ])
    const worker = createOutboxWorker({ db: database.db, channels: new Map([['telegram', channel]]), logger: silentLogger, pollMs: 10, now })
    expect(await worker.runOnce()).toBe(2)
    expect(locales.sort()).toEqual(['en', 'es'])
    const rows = await database.db.select({ kind: outbox.kind, locale: outbox.locale }).from(outbox).orderBy(asc(outbox.id))
    expect(rows).toEqual([
      { kind: 'notice', locale: 'en' },
      { kind: 'alert', locale: 'es' },
    ])
  })
})

describe('writers of the outbox', () => {
  it('are only src/bot/outbox.ts: every producer queues through enqueue', () => {
    const writers = readdirSync('src', { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && file !== join('bot', 'outbox.ts'))
      .filter((file) => /\binsert\(\s*outbox\b|insert\s+into\s+"?outbox"?[\s(]/i.test(readFileSync(join('src', file), 'utf8')))
    expect(writers).toEqual([])
  })
})

describe('backoffMs', () => {
  it('doubles from five seconds and stops growing at an hour', () => {
    expect([1, 2, 3, 4].map(backoffMs)).toEqual([5_000, 10_000, 20_000, 40_000])
    expect(backoffMs(30)).toBe(3_600_000)
  })
})
