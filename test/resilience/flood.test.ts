import { and, eq, like } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Hono } from 'hono'
import type { Channel } from '../../src/bot/channel.js'
import { createTelegramChannel } from '../../src/bot/channels/telegram/telegram-channel.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { inboundMessages } from '../../src/db/schema/index.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { FAKE_BOT, FAKE_TOKEN, type FakeBotApi, startFakeBotApi } from '../support/fake-bot-api.js'
import { silentLogger } from '../support/tiny-engine.js'

const SECRET = 'flood-webhook-secret'
const FLOODER = 640_000_001
const CITIZEN = 640_000_002
/** the runtime's default: messages per minute one contact may send */
const LIMIT = 60

let updateId = 5_000_000
function update(chat: number, text: string, language = 'es') {
  updateId++
  const from = { id: chat, is_bot: false, first_name: 'Ana', language_code: language }
  return { update_id: updateId, message: { message_id: updateId, date: 1764082800, chat: { id: chat, type: 'private' }, from, text } }
}

describe.each(databaseKinds)('a contact flooding the Telegram webhook, on %s', (kind) => {
  let database: Database
  let composed: Composed
  let fake: FakeBotApi
  let telegram: Channel
  let routes: Hono

  beforeAll(async () => {
    fake = await startFakeBotApi()
    database = await freshDatabase(kind)
    composed = await testApp(database)
    // the app's Telegram channel in webhook mode, its delivery pace lifted so the outbox empties at once
    telegram = createTelegramChannel({
      db: database.db,
      logger: silentLogger,
      token: FAKE_TOKEN,
      apiRoot: fake.url,
      webhook: { url: 'https://dialogo.example.org/webhooks/telegram', secret: SECRET },
      limits: { perSecond: 10_000, perChatPerSecond: 10_000, perChatBurst: 10_000 },
    })
    composed.channels.set('telegram', telegram)
    await telegram.start?.(composed.runtime.handle)
    if (!telegram.routes) throw new Error('the channel mounts no webhook routes')
    routes = telegram.routes
  })
  afterAll(async () => {
    await telegram.stop?.()
    await fake.close()
    await database.close()
  })

  const post = (body: unknown) =>
    routes.request('/webhooks/telegram', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(body),
    })
  /** the update ids the runtime handled */
  const handled = async () => {
    const ids = new Set<number>()
    for (const row of await database.db
      .select({ externalId: inboundMessages.externalId })
      .from(inboundMessages)
      .where(and(eq(inboundMessages.channel, 'telegram'), like(inboundMessages.externalId, `${FAKE_BOT.id}:%`)))) {
      ids.add(Number(row.externalId.split(':')[1]))
    }
    return ids
  }
  /** delivers everything queued, then answers what reached `chat` */
  const delivered = async (chat: number) => {
    while ((await composed.outbox.runOnce()) > 0);
    return fake.to(chat).map((message) => message.text)
  }
  /**
   * Telegram is answered after two seconds while a slow update goes on: waits (at most 30 s) until
   * what reached `chat` satisfies `done`.
   */
  const deliveredUntil = async (chat: number, done: (texts: string[]) => boolean) => {
    for (let waited = 0; waited < 30_000; waited += 50) {
      const texts = await delivered(chat)
      if (done(texts)) return texts
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    return delivered(chat)
  }

  it('handles the first messages of a flood, drops the rest, tells the sender once and kindly, and still serves everybody else', async () => {
    // 200 updates from one chat at once, and a citizen's greeting in the middle of them
    const flood = Array.from({ length: 200 }, (_, i) => update(FLOODER, `mensaje ${i}`))
    const greeting = update(CITIZEN, 'hola')
    const answers = await Promise.all([...flood.slice(0, 100), greeting, ...flood.slice(100)].map((body) => post(body)))
    // Telegram is told every update arrived, so it does not send the flood again
    expect(answers.every((answer) => answer.status === 200)).toBe(true)

    // the request to slow down is queued after the replies to the messages handled
    const toFlooder = await deliveredUntil(FLOODER, (texts) => texts.some((text) => text.includes('muy rápido')))
    const flooderIds = new Set(flood.map((body) => body.update_id))
    const kept = [...(await handled())].filter((id) => flooderIds.has(id))
    expect(kept).toHaveLength(LIMIT)
    // the ones handled are the first that arrived
    expect(Math.max(...kept)).toBe(flood[LIMIT - 1]?.update_id)
    expect(toFlooder.filter((text) => text.includes('muy rápido'))).toHaveLength(1)
    expect(toFlooder.at(-1)).toContain('Espere un minuto')

    expect([...(await handled())]).toContain(greeting.update_id)
    expect((await deliveredUntil(CITIZEN, (texts) => texts.length > 0)).join('\n')).toContain('Diálogo')
  })

  it('drops no message of a citizen who writes quickly but like a person', async () => {
    const quick = 640_000_003
    const burst = Array.from({ length: 20 }, (_, i) => update(quick, i === 0 ? 'hola' : 'ayuda', 'en'))
    for (const body of burst) expect((await post(body)).status).toBe(200)
    // every message gets at least one answer
    const texts = await deliveredUntil(quick, (sent) => sent.length >= burst.length)
    const ids = await handled()
    expect(burst.every((body) => ids.has(body.update_id))).toBe(true)
    expect(texts.some((text) => text.includes('quickly'))).toBe(false)
  })
})
