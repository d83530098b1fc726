import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/client.js'
import { cases as casesTable, inboundMessages } from '../../src/db/schema/index.js'
import { type AppProcess, eventually, startAppProcess } from '../support/app-process.js'
import { FAKE_TOKEN, type FakeBotApi, startFakeBotApi } from '../support/fake-bot-api.js'
import { postgresBinaries, startTempPostgres, type TempPostgres } from '../support/temp-postgres.js'
import { type CitizenLog, fileComplaintRetrying, progressed } from '../support/webchat-citizen.js'

const bin = postgresBinaries()
const CITIZENS = 6
const COMPLAINTS_EACH = 2
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

// Its own PostgreSQL server; skipped only without Debian's server binaries.
describe.runIf(bin)('a crash (SIGKILL) under load, and a restart', () => {
  let server: TempPostgres
  let fake: FakeBotApi
  let sql: postgres.Sql | undefined
  const apps: AppProcess[] = []
  beforeAll(async () => {
    server = await startTempPostgres(bin ?? '')
    fake = await startFakeBotApi()
  })
  afterAll(async () => {
    for (const app of apps) await app.stop('SIGKILL')
    await sql?.end({ timeout: 2 })
    await fake?.close()
    await server?.close()
  })

  it('processes every message handed over exactly once: no lost case, no duplicate case, no duplicate reply', async () => {
    const url = await server.createDatabase('crash')
    const env = { DATABASE_URL: url, TELEGRAM_BOT_TOKEN: FAKE_TOKEN, TELEGRAM_API_ROOT: fake.url, CHANNEL_START_TIMEOUT_MS: '2000', OUTBOX_POLL_MS: '200' }
    let app = await startAppProcess({ env })
    apps.push(app)
    const deadline = Date.now() + 120_000
    let handedOver = 0
    // web chat citizens resend the same message id until they get an answer, wherever the app is
    const webchat = Promise.all(
      Array.from({ length: CITIZENS }, async (_, i) => {
        const logs: CitizenLog[] = []
        for (let n = 0; n < COMPLAINTS_EACH; n++) logs.push(await fileComplaintRetrying(() => app.url, `127.0.0.${40 + i}`, deadline, () => handedOver++))
        return logs
      }),
    )
    // Telegram users write one after the other; the fake hands out again whatever was not confirmed
    const chats: number[] = []
    const write = (chat: number) => {
      chats.push(chat)
      fake.push({ message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: chat, type: 'private' }, from: { id: chat, is_bot: false, first_name: 'Ana' }, text: 'hola' } })
    }
    let pushing = true
    const telegram = (async () => {
      for (let n = 0; pushing && n < 40; n++) {
        write(7000 + n)
        await sleep(100)
      }
    })()

    await progressed(() => handedOver, 30)
    const killed = await app.stop('SIGKILL')
    expect(killed.signal).toBe('SIGKILL')
    await sleep(500)
    const port = new URL(app.url).port
    app = await startAppProcess({ env: { ...env, PORT: port } })
    apps.push(app)
    pushing = false
    await telegram
    // chats that write from here on reach only the restarted app: nothing of theirs was claimed by the dead one
    const afterRestart = chats.length
    for (let n = 0; n < 5; n++) {
      write(8000 + n)
      await sleep(100)
    }
    const logs = (await webchat).flat()
    expect(logs.reduce((sum, log) => sum + log.retries, 0)).toBeGreaterThan(0)

    sql = postgres(url, { max: 1, onnotice: () => {} })
    const db = sql
    // web chat: every complaint a citizen was given a code for is there once, and no other
    const codes = logs.flatMap((log) => log.trackingCodes)
    expect(new Set(codes).size).toBe(CITIZENS * COMPLAINTS_EACH)
    const cases = await db<{ code: string }[]>`select code from cases`
    expect(cases.map((row) => row.code).sort()).toEqual([...codes].sort())
    const acknowledged = logs.reduce((sum, log) => sum + log.acknowledged.size, 0)
    const [webchatInbound] = await db<{ count: string }[]>`select count(*) from inbound_messages where channel = 'webchat'`
    expect(Number(webchatInbound?.count)).toBe(acknowledged)

    // Telegram: every update handed over processed once (those fetched by the killed process came again)
    await eventually(async () => {
      const [row] = await db<{ count: string }[]>`select count(*) from inbound_messages where channel = 'telegram'`
      return Number(row?.count) === chats.length ? true : undefined
    }, 30_000)
    const rows = await db<{ address: string; status: string; attempts: number }[]>`select address, status, attempts from outbox where channel = 'telegram' order by id`
    const byChat = new Map<string, { status: string; attempts: number }[]>()
    for (const row of rows) byChat.set(row.address, [...(byChat.get(row.address) ?? []), row])
    // each chat was answered (queued), once: the same greeting for every new chat
    expect([...byChat.keys()].sort()).toEqual(chats.map(String).sort())
    const perChat = new Set([...byChat.values()].map((queued) => queued.length))
    expect(perChat.size).toBe(1)
    // once delivered, a chat has its answer exactly once; a reply the killed process had claimed
    // stays pending until its claim lapses, and may reach the chat once by then, never twice
    await eventually(async () => {
      const pending = await db<{ address: string; attempts: number }[]>`select address, attempts from outbox where channel = 'telegram' and status <> 'sent'`
      return pending.every((row) => row.attempts > 0) ? true : undefined
    }, 20_000)
    const later = chats.slice(afterRestart).map(String)
    await eventually(async () => {
      const waiting = await db<{ address: string }[]>`select address from outbox where channel = 'telegram' and status <> 'sent' and address in ${db(later)}`
      return waiting.length === 0 ? true : undefined
    }, 30_000)
    const after = await db<{ address: string; status: string }[]>`select address, status from outbox where channel = 'telegram'`
    const delivered = new Set(chats.map(String))
    for (const row of after) if (row.status !== 'sent') delivered.delete(row.address)
    const counts = chats.map((chat) => fake.to(chat).length)
    const full = Math.max(...counts)
    for (const chat of chats) {
      const received = fake.to(chat).length
      if (delivered.has(String(chat))) expect(received, `chat ${chat}`).toBe(full)
      else expect(received, `chat ${chat}`).toBeLessThanOrEqual(full)
    }
    // every chat that wrote after the restart got its answer, once
    for (const chat of later) expect(delivered.has(chat), `chat ${chat}`).toBe(true)
    expect(after.every((row) => row.status === 'sent' || row.status === 'pending')).toBe(true)
  }, 180_000)
})

describe('a crash (SIGKILL) of the app on PGlite, and a restart', () => {
  const folder = mkdtempSync(join(tmpdir(), 'dialogo-crash-pglite-'))
  const apps: AppProcess[] = []
  afterAll(async () => {
    for (const app of apps) await app.stop('SIGKILL')
    rmSync(folder, { recursive: true, force: true })
  })

  it('reopens the embedded database and loses no acknowledged complaint, doubles none, processes each retried message once', async () => {
    const env = { DATA_DIR: join(folder, 'data') }
    // the first start initialises the data directory: slow, and not what this test is about
    let app = await startAppProcess({ env, readyTimeoutMs: 240_000 })
    apps.push(app)
    const deadline = Date.now() + 240_000
    let handedOver = 0
    const webchat = Promise.all(Array.from({ length: 3 }, (_, i) => fileComplaintRetrying(() => app.url, `127.0.0.${60 + i}`, deadline, () => handedOver++)))
    await progressed(() => handedOver, 12)
    await app.stop('SIGKILL')
    // the lock file of the killed process is taken over; PostgreSQL's own recovery replays the WAL
    app = await startAppProcess({ env: { ...env, PORT: new URL(app.url).port }, readyTimeoutMs: 240_000 })
    apps.push(app)
    const logs = await webchat
    // the citizens felt the crash: some message of theirs got no answer and was sent again
    expect(logs.reduce((sum, log) => sum + log.retries, 0)).toBeGreaterThan(0)
    expect((await app.stop('SIGTERM')).code).toBe(0)

    const database = await openDatabase({ kind: 'pglite', dataDir: env.DATA_DIR })
    try {
      const codes = logs.flatMap((log) => log.trackingCodes)
      const stored = await database.db.select({ code: casesTable.code }).from(casesTable)
      expect(stored.map((row) => row.code).sort()).toEqual([...codes].sort())
      const inbound = await database.db.select({ id: inboundMessages.id }).from(inboundMessages).where(eq(inboundMessages.channel, 'webchat'))
      expect(inbound.length).toBe(logs.reduce((sum, log) => sum + log.acknowledged.size, 0))
    } finally {
      await database.close()
    }
  }, 600_000)
})
