import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../../src/auth/tokens.js'
import type { Composed } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { testApp } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { FAKE_TOKEN, type FakeBotApi, startFakeBotApi } from '../../support/fake-bot-api.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { APP_SECRET, PHONE_ID, TOKEN, fakeGraphApi } from '../../bot/whatsapp-cloud/fake-graph-api.js'

const MB = 1024 * 1024
const CHUNK = 64 * 1024

/**
 * A body of `size` bytes made as it is read, with no declared length, as a client streaming a
 * huge upload sends it; `pulled()` says how much of it the server read.
 */
function streamedBody(size: number, byte = 'a') {
  let sent = 0
  const chunk = new TextEncoder().encode(byte.repeat(CHUNK))
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent >= size) return controller.close()
      sent += chunk.length
      controller.enqueue(chunk)
    },
  })
  return { body, pulled: () => sent }
}

describe.each(databaseKinds)('request bodies over the limit on %s', (kind) => {
  let database: Database
  let composed: Composed
  let telegram: FakeBotApi
  let graph: Awaited<ReturnType<typeof fakeGraphApi>>
  let admin = ''

  beforeAll(async () => {
    database = await freshDatabase(kind)
    telegram = await startFakeBotApi()
    graph = await fakeGraphApi()
    composed = await testApp(database, undefined, silentLogger, {
      TELEGRAM_BOT_TOKEN: FAKE_TOKEN,
      TELEGRAM_API_ROOT: telegram.url,
      TELEGRAM_WEBHOOK_URL: 'https://dialogo.example.org/webhooks/telegram',
      TELEGRAM_WEBHOOK_SECRET: 'webhook-secret_123',
      WHATSAPP_CLOUD_TOKEN: TOKEN,
      WHATSAPP_CLOUD_PHONE_ID: PHONE_ID,
      WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
      WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify-me',
      WHATSAPP_CLOUD_API_ROOT: graph.root,
      MEDIA_MAX_BYTES: 2 * MB,
    })
    admin = (await createToken(database.db, { name: 'admin', role: 'admin', unitIds: [] })).token
  })
  afterAll(async () => {
    await telegram.close()
    await graph.close()
    await database.close()
  })

  const post = (path: string, body: RequestInit['body'], headers: Record<string, string> = {}) =>
    composed.app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, duplex: 'half' } as RequestInit)

  const expectTooLarge = async (response: Response) => {
    expect(response.status).toBe(413)
    expect(response.headers.get('content-type')).toMatch(/application\/problem\+json|application\/json/)
    expect(await response.text()).toMatch(/larger than/)
  }

  it.each([
    ['the web chat', '/webchat/messages', 4 * MB],
    ['the admin API', '/api/v1/institutions', 2 * MB],
    ['the WhatsApp Cloud webhook', '/webhooks/whatsapp', 4 * MB],
    ['the Telegram webhook', '/webhooks/telegram', 2 * MB],
    ['the CLI bridge and other routes', '/internal/cli/tokens', 2 * MB],
  ])('refuses a streamed body over the limit of %s with 413, reading little more than the limit', async (_name, path, size) => {
    const huge = streamedBody(60 * MB)
    const response = await post(path, huge.body, { authorization: `Bearer ${admin}` })
    await expectTooLarge(response)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    expect(huge.pulled()).toBeLessThanOrEqual(size + 2 * CHUNK)
  })

  it('refuses a declared length over the limit before reading any of it', async () => {
    const huge = streamedBody(60 * MB)
    const response = await post('/api/v1/institutions', huge.body, { authorization: `Bearer ${admin}`, 'content-length': String(60 * MB) })
    await expectTooLarge(response)
    expect(huge.pulled()).toBeLessThanOrEqual(2 * CHUNK)
  })

  it('still takes a web chat attachment at the media limit, as base64 in JSON', async () => {
    const dataBase64 = Buffer.alloc(2 * MB - 16, 1).toString('base64')
    const body = JSON.stringify({ conversationId: 'attack-oversized-bodies-conversation', messageId: 'attack-oversized-0001', media: { mimeType: 'image/jpeg', dataBase64 } })
    const response = await post('/webchat/messages', body)
    expect(response.status).not.toBe(413)
  })

  it('refuses a 60 MB Open311 POST without a key after reading at most 64 KB of it', async () => {
    const huge = streamedBody(60 * MB)
    const response = await post('/open311/v2/requests.json', huge.body, { 'content-type': 'application/x-www-form-urlencoded' })
    expect(response.status).toBe(413)
    expect(huge.pulled()).toBeLessThanOrEqual(64 * 1024 + 2 * CHUNK)
  })

  it('refuses an Open311 POST whose key in the query or a header is wrong before reading its body', async () => {
    for (const [path, headers] of [
      ['/open311/v2/requests.json?api_key=dlg_wrong', {}],
      ['/open311/v2/requests.json', { 'x-api-key': 'dlg_wrong' }],
      ['/open311/v2/requests.json', { authorization: `Bearer ${admin}` }],
    ] as const) {
      const huge = streamedBody(60 * MB)
      const response = await post(path, huge.body, { 'content-type': 'application/x-www-form-urlencoded', ...headers })
      expect(response.status).toBe(403)
      expect(huge.pulled()).toBeLessThanOrEqual(2 * CHUNK)
    }
  })
})
