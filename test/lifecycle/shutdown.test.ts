import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppProcess, eventually, startAppProcess } from '../support/app-process.js'
import { FAKE_TOKEN, type FakeBotApi, startFakeBotApi } from '../support/fake-bot-api.js'
import { type SilentApi, startSilentApi } from '../support/silent-bot-api.js'
import { postgresBinaries, startTempPostgres, type TempPostgres } from '../support/temp-postgres.js'

const bin = postgresBinaries()
const WEBHOOK_SECRET = 'lifecycle-test-secret'
// a correctness bound, not a benchmark: a container runtime sends SIGKILL 10 s after SIGTERM
const EXIT_BOUND_MS = 10_000

async function telegramState(app: AppProcess): Promise<string | undefined> {
  const response = await fetch(`${app.url}/health`, { signal: AbortSignal.timeout(5000) })
  const body = (await response.json()) as { channels: Record<string, { state: string }> }
  return body.channels.telegram?.state
}

const hola = (updateId: number, chatId: number) => ({
  update_id: updateId,
  message: { message_id: updateId, date: Math.floor(Date.now() / 1000), chat: { id: chatId, type: 'private' }, from: { id: chatId, is_bot: false, first_name: 'Ana' }, text: 'hola' },
})

describe.runIf(bin)('shutdown on SIGTERM with a Telegram Bot API that stopped answering', () => {
  let server: TempPostgres
  let silent: SilentApi
  let fake: FakeBotApi
  let sql: postgres.Sql
  const apps: AppProcess[] = []
  beforeAll(async () => {
    server = await startTempPostgres(bin ?? '')
    silent = await startSilentApi()
    fake = await startFakeBotApi()
  })
  afterAll(async () => {
    for (const app of apps) await app.stop('SIGKILL')
    await sql?.end({ timeout: 2 })
    await fake?.close()
    await silent?.close()
    await server?.close()
  })

  it('exits with 0 within 10 s while a reply is being sent, and the reply stays pending across a restart', async () => {
    const url = await server.createDatabase('shutdown_webhook')
    sql = postgres(url, { max: 1, onnotice: () => {} })
    const env = {
      DATABASE_URL: url,
      TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
      TELEGRAM_API_ROOT: silent.url,
      TELEGRAM_WEBHOOK_URL: 'https://dialogo.example/webhooks/telegram',
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      CHANNEL_START_TIMEOUT_MS: '1000',
    }
    silent.answerWith(fake.url)
    const app = await startAppProcess({ env })
    apps.push(app)
    await eventually(async () => ((await telegramState(app)) === 'ok' ? true : undefined), 20_000)
    // the Bot API goes quiet: the reply to this update cannot be delivered
    silent.silence()
    const posted = await fetch(`${app.url}/webhooks/telegram`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': WEBHOOK_SECRET },
      body: JSON.stringify(hola(9001, 5151)),
      signal: AbortSignal.timeout(10_000),
    })
    expect(posted.status).toBe(200)
    const queued = await eventually(async () => {
      const rows = await sql<{ status: string; attempts: number }[]>`select status, attempts from outbox where channel = 'telegram' and address = '5151'`
      // the worker has claimed it: a send is under way against the silent API
      return rows.length > 0 && rows.every((row) => row.attempts > 0) ? rows : undefined
    }, 10_000)
    expect(queued.every((row) => row.status === 'pending')).toBe(true)

    const exit = await app.stop('SIGTERM', 15_000)
    expect(exit).toMatchObject({ code: 0, signal: null })
    expect(exit.tookMs).toBeLessThan(EXIT_BOUND_MS)
    expect(app.output()).not.toContain('shutdown did not finish in time')

    const again = await startAppProcess({ env })
    apps.push(again)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const after = await sql<{ status: string; body: unknown }[]>`select status, body from outbox where channel = 'telegram' and address = '5151'`
    expect(after.length).toBe(queued.length)
    expect(after.every((row) => row.status === 'pending' && row.body !== null)).toBe(true)
    const second = await again.stop('SIGTERM', 15_000)
    expect(second).toMatchObject({ code: 0 })
    expect(second.tookMs).toBeLessThan(EXIT_BOUND_MS)
  })

  it('exits with 0 within 10 s when the API goes quiet during long polling', async () => {
    silent.answerWith(fake.url)
    const app = await startAppProcess({
      env: { DATABASE_URL: await server.createDatabase('shutdown_polling'), TELEGRAM_BOT_TOKEN: FAKE_TOKEN, TELEGRAM_API_ROOT: silent.url, CHANNEL_START_TIMEOUT_MS: '1000' },
    })
    apps.push(app)
    await eventually(async () => ((await telegramState(app)) === 'ok' ? true : undefined), 20_000)
    silent.silence()
    // the poll the fake holds ends, and the next getUpdates is one the API never answers
    await new Promise((resolve) => setTimeout(resolve, 1000))
    const exit = await app.stop('SIGTERM', 15_000)
    expect(exit).toMatchObject({ code: 0, signal: null })
    expect(exit.tookMs).toBeLessThan(EXIT_BOUND_MS)
  })

  it('exits with 0 within 10 s while the channel is still trying to start', async () => {
    silent.silence()
    const app = await startAppProcess({
      env: { DATABASE_URL: await server.createDatabase('shutdown_starting'), TELEGRAM_BOT_TOKEN: FAKE_TOKEN, TELEGRAM_API_ROOT: silent.url },
    })
    apps.push(app)
    expect(await telegramState(app)).toBe('starting')
    const exit = await app.stop('SIGTERM', 15_000)
    expect(exit).toMatchObject({ code: 0, signal: null })
    expect(exit.tookMs).toBeLessThan(EXIT_BOUND_MS)
  })
})
