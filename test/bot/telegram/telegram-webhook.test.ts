import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Composed, compose } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { inboundMessages } from '../../../src/db/schema/index.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { FAKE_TOKEN, type FakeBotApi, startFakeBotApi } from '../../support/fake-bot-api.js'
import { silentLogger } from '../../support/tiny-engine.js'

const SECRET = 'webhook-secret_123'
const CHAT = 620000001

function update(updateId: number, text: string) {
  const from = { id: CHAT, is_bot: false, first_name: 'Ana', language_code: 'es' }
  return { update_id: updateId, message: { message_id: updateId, date: 1764082800, chat: { id: CHAT, type: 'private' }, from, text } }
}

describe.each(databaseKinds)('the Telegram channel, webhook mode, on %s', (kind) => {
  let database: Database
  let composed: Composed
  let fake: FakeBotApi

  beforeAll(async () => {
    fake = await startFakeBotApi()
    database = await freshDatabase(kind)
    composed = await compose({
      database,
      config: {
        SEED_FILE: './seed/directory.json',
        SESSION_TTL_MINUTES: 60,
        DEFAULT_LOCALE: 'es',
        OUTBOX_POLL_MS: 20,
        RETENTION_DAYS: 180,
        TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
        TELEGRAM_API_ROOT: fake.url,
        TELEGRAM_WEBHOOK_URL: 'https://dialogo.example.org/webhooks/telegram',
        TELEGRAM_WEBHOOK_SECRET: SECRET,
      },
      logger: silentLogger,
    })
    await composed.channels.get('telegram')?.start?.(composed.runtime.handle)
    composed.outbox.start()
  })
  afterAll(async () => {
    await composed.outbox.stop()
    await composed.channels.get('telegram')?.stop?.()
    await fake.close()
    await database.close()
  })

  const post = (body: unknown, secret: string | null = SECRET) =>
    composed.app.request('/webhooks/telegram', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret === null ? {} : { 'x-telegram-bot-api-secret-token': secret }) },
      body: JSON.stringify(body),
    })

  it('registers the webhook with its secret instead of polling', () => {
    expect(fake.calls.find((call) => call.method === 'setWebhook')?.payload).toMatchObject({
      url: 'https://dialogo.example.org/webhooks/telegram',
      secret_token: SECRET,
    })
    expect(fake.calls.some((call) => call.method === 'getUpdates')).toBe(false)
  })

  it('refuses a call without the right secret-token header, handling nothing', async () => {
    for (const secret of [null, 'wrong-secret']) {
      const response = await post(update(9001, 'hola'), secret)
      expect(response.status).toBe(401)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
    }
    expect(await database.db.select().from(inboundMessages)).toEqual([])
  })

  it('refuses a body that is not an update', async () => {
    const response = await post({ hello: 'world' })
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
  })

  it('answers Telegram, processes the update through the runtime and replies; a redelivery creates nothing new', async () => {
    const response = await post(update(9101, 'hola'))
    expect(response.status).toBe(200)
    const [welcome] = await fake.waitFor(CHAT, 1)
    expect(welcome?.text).toContain('Diálogo')
    const replies = (await fake.waitFor(CHAT, 2)).length

    expect((await post(update(9101, 'hola'))).status).toBe(200)
    expect((await post(update(9102, 'estado'))).status).toBe(200)
    const after = await fake.waitFor(CHAT, replies + 1)
    expect(after.at(-1)?.text).toContain('Escriba el código de su caso')
    const handled = await database.db.select().from(inboundMessages).where(eq(inboundMessages.channel, 'telegram'))
    expect(handled).toHaveLength(2)
    // the repeated "hola" got no second welcome
    expect(after.filter((message) => message.text.includes('Soy Diálogo'))).toHaveLength(1)
  })
})
