import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppProcess, eventually, startAppProcess } from '../support/app-process.js'
import { FAKE_TOKEN, type FakeBotApi, startFakeBotApi } from '../support/fake-bot-api.js'
import { type SilentApi, startSilentApi } from '../support/silent-bot-api.js'
import { postgresBinaries, startTempPostgres, type TempPostgres } from '../support/temp-postgres.js'

const bin = postgresBinaries()
type Health = { status: string; database: { kind: string; state: string }; channels: Record<string, { state: string; reason?: string }> }

async function health(app: AppProcess): Promise<{ status: number; body: Health; tookMs: number }> {
  const began = Date.now()
  const response = await fetch(`${app.url}/health`, { signal: AbortSignal.timeout(5000) })
  return { status: response.status, body: (await response.json()) as Health, tookMs: Date.now() - began }
}

async function say(app: AppProcess, conversationId: string, messageId: string, text: string) {
  const response = await fetch(`${app.url}/webchat/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ conversationId, messageId, text }),
    signal: AbortSignal.timeout(10_000),
  })
  return { status: response.status, body: (await response.json()) as { replies?: unknown[] } }
}

// Child processes on PostgreSQL servers of their own: skipped only where Debian's server binaries are not installed.
describe.runIf(bin)('a Telegram Bot API that does not answer at start-up', () => {
  let server: TempPostgres
  let silent: SilentApi
  let fake: FakeBotApi
  let app: AppProcess
  beforeAll(async () => {
    server = await startTempPostgres(bin ?? '')
    silent = await startSilentApi()
    fake = await startFakeBotApi()
    app = await startAppProcess({
      env: {
        DATABASE_URL: await server.createDatabase('platform_down'),
        TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
        TELEGRAM_API_ROOT: silent.url,
        CHANNEL_START_TIMEOUT_MS: '1000',
      },
    })
  })
  afterAll(async () => {
    await app?.stop('SIGKILL')
    await fake?.close()
    await silent?.close()
    await server?.close()
  })

  it('holds nothing back: /health answers at once and names telegram as degraded, the web chat answers', async () => {
    const first = await health(app)
    expect(first.status).toBe(200)
    expect(first.tookMs).toBeLessThan(3000)
    expect(first.body.database).toEqual({ kind: 'postgres', state: 'ok' })
    expect(first.body.channels.webchat).toEqual({ state: 'ok' })
    expect(['starting', 'degraded']).toContain(first.body.channels.telegram?.state)
    const degraded = await eventually(async () => {
      const { body } = await health(app)
      return body.channels.telegram?.state === 'degraded' ? body : undefined
    }, 10_000)
    expect(degraded.status).toBe('degraded')
    expect(degraded.channels.telegram).toMatchObject({ state: 'degraded', reason: 'timeout' })
    // the class only: no token, no URL
    expect(JSON.stringify(degraded)).not.toContain(FAKE_TOKEN.split(':')[1])
    expect(silent.received()).toBeGreaterThan(0)

    const chat = await say(app, randomBytes(16).toString('hex'), 'first-message', 'hola')
    expect(chat.status).toBe(200)
    expect(chat.body.replies?.length).toBeGreaterThan(0)
  })

  it('retries in the background: once the API answers, telegram is ok and takes updates', async () => {
    silent.answerWith(fake.url)
    const ok = await eventually(async () => {
      const { body } = await health(app)
      return body.channels.telegram?.state === 'ok' ? body : undefined
    }, 30_000)
    expect(ok.status).toBe('ok')
    fake.push({ update_id: 500, message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: 4242, type: 'private' }, from: { id: 4242, is_bot: false, first_name: 'Ana' }, text: 'hola' } })
    const replies = await Promise.race([fake.waitFor(4242, 1), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 15_000))])
    expect(replies?.length).toBeGreaterThan(0)
  })
})
