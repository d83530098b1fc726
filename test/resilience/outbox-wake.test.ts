import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Composed, compose } from '../../src/compose.js'
import { type Database, openDatabase } from '../../src/db/client.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { FAKE_TOKEN, type FakeBotApi, startFakeBotApi } from '../support/fake-bot-api.js'
import { silentLogger } from '../support/tiny-engine.js'

const SECRET = 'wake-webhook-secret'
/** so long that only a wake can deliver within the test */
const POLL_MS = 120_000

function appOn(database: Database, fake: FakeBotApi): Promise<Composed> {
  return compose({
    database,
    config: {
      SEED_FILE: './seed/directory.json',
      SESSION_TTL_MINUTES: 60,
      DEFAULT_LOCALE: 'es',
      OUTBOX_POLL_MS: POLL_MS,
      RETENTION_DAYS: 180,
      TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_WEBHOOK_URL: 'https://dialogo.example.org/webhooks/telegram',
      TELEGRAM_WEBHOOK_SECRET: SECRET,
    },
    logger: silentLogger,
  })
}

let updateId = 7_000_000
function hola(chat: number) {
  updateId++
  const from = { id: chat, is_bot: false, first_name: 'Ana', language_code: 'es' }
  return { update_id: updateId, message: { message_id: updateId, date: 1764082800, chat: { id: chat, type: 'private' }, from, text: 'hola' } }
}

const post = (app: Composed, body: unknown) =>
  app.app.request('/webhooks/telegram', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify(body),
  })

describe.each(databaseKinds)('the outbox worker on %s', (kind) => {
  let database: Database & { url?: string }
  let fake: FakeBotApi
  let first: Composed

  beforeAll(async () => {
    fake = await startFakeBotApi()
    database = await freshDatabase(kind)
    first = await appOn(database, fake)
    await first.channels.get('telegram')?.start?.(first.runtime.handle)
  })
  afterAll(async () => {
    await first.outbox.stop()
    await first.channels.get('telegram')?.stop?.()
    await fake.close()
    await database.close()
  })

  it('delivers a reply as soon as the message that queued it commits, not at the next poll', async () => {
    first.outbox.start()
    try {
      const chat = 650_000_001
      expect((await post(first, hola(chat))).status).toBe(200)
      const [welcome] = await fake.waitFor(chat, 1)
      expect(welcome?.text).toContain('Diálogo')
    } finally {
      await first.outbox.stop()
    }
  })

  // PostgreSQL only: a second instance shares the database through the server
  if (kind === 'postgres') {
    it('is woken by NOTIFY when another instance queued the reply', async () => {
      const secondDatabase = await openDatabase({ kind: 'postgres', url: database.url ?? '', maxConnections: 2 })
      const second = await appOn(secondDatabase, fake)
      await second.channels.get('telegram')?.start?.(second.runtime.handle)
      second.outbox.start()
      try {
        // the first instance takes the message; its own worker is stopped, so only the second can deliver
        const chat = 650_000_002
        expect((await post(first, hola(chat))).status).toBe(200)
        const [welcome] = await fake.waitFor(chat, 1)
        expect(welcome?.text).toContain('Diálogo')
      } finally {
        await second.outbox.stop()
        await second.channels.get('telegram')?.stop?.()
        await secondDatabase.close()
      }
    })
  }
})
