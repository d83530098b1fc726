import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../../src/auth/tokens.js'
import type { InboundMessage } from '../../../src/bot/channel.js'
import { handleBaileysUpsert } from '../../../src/bot/channels/whatsapp-baileys/handle-upsert.js'
import type { Composed } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { findUnsafeText, stripUnsafeDeep, stripUnsafeText } from '../../../src/http/unsafe-text.js'
import { apiRequest } from '../../support/api-request.js'
import { testApp } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { FAKE_TOKEN, type FakeBotApi, startFakeBotApi } from '../../support/fake-bot-api.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { incoming } from '../../bot/whatsapp-baileys/fake-socket.js'
import { APP_SECRET, PHONE_ID, TOKEN, fakeGraphApi, signedPost, webhookBody } from '../../bot/whatsapp-cloud/fake-graph-api.js'

const NUL = 'no hay\u0000 medicinas'
const LONE_HIGH = 'no hay \ud83d medicinas'
const LONE_LOW = 'no hay \ude00 medicinas'
const ATTACKS = [NUL, LONE_HIGH, LONE_LOW]
/** true when a string anywhere in the value still holds one of the characters */
const unsafeIn = (value: unknown) => findUnsafeText(value) !== null

describe('findUnsafeText and stripUnsafeText', () => {
  it('name the path of the first NUL or lone surrogate and keep paired surrogates (emoji)', () => {
    expect(findUnsafeText({ media: { mimeType: 'image/jpeg\u0000' } })).toBe('media.mimeType')
    expect(findUnsafeText({ items: ['ok', LONE_LOW] })).toBe('items.1')
    expect(findUnsafeText(LONE_HIGH)).toBe('(root)')
    expect(findUnsafeText({ 'bad\u0000key': 1 })).toBe('badkey')
    expect(findUnsafeText({ text: 'sin medicinas 😷', n: 3, at: null })).toBeNull()
    expect(stripUnsafeText('a\u0000b\ud800c😷\udfffd')).toBe('abc😷d')
    const at = new Date()
    expect(stripUnsafeDeep({ at, list: [NUL] })).toEqual({ at, list: ['no hay medicinas'] })
  })
})

describe.each(databaseKinds)('NUL and lone surrogates in text input on %s', (kind) => {
  let database: Database
  let composed: Composed
  let telegram: FakeBotApi
  let graph: Awaited<ReturnType<typeof fakeGraphApi>>
  let admin = ''
  let partner = ''
  const handled: InboundMessage[] = []

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
    })
    // the real runtime, watched: what an adapter hands it is what the tests read
    const watched = async (message: InboundMessage) => {
      handled.push(message)
      return composed.runtime.handle(message)
    }
    for (const name of ['telegram', 'whatsapp-cloud'] as const) await composed.channels.get(name)?.start?.(watched)
    admin = (await createToken(database.db, { name: 'admin', role: 'admin', unitIds: [] })).token
    partner = (await createToken(database.db, { name: 'civic-app', role: 'partner', unitIds: [] })).token
  })
  afterAll(async () => {
    await composed.channels.get('telegram')?.stop?.()
    await telegram.close()
    await graph.close()
    await database.close()
  })

  const expectProblemNaming = async (response: Response, field: string) => {
    expect(response.status).toBe(400)
    const body = await response.text()
    expect(body).toContain(field)
    expect(body).toMatch(/NUL|surrogate/)
  }

  it.each(ATTACKS.map((text, i) => [i, text] as const))('refuses web chat text %i with a 400 naming the field', async (i, text) => {
    const response = await composed.app.request('/webchat/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ conversationId: `attack-nul-webchat-conversation-${i}`, messageId: `attack-nul-message-000${i}`, text }),
    })
    expect(response.headers.get('content-type')).toBe('application/problem+json')
    await expectProblemNaming(response, 'text')
  })

  it('refuses them in an admin API body and query with a 400 naming the field', async () => {
    for (const name of ATTACKS) {
      await expectProblemNaming(await apiRequest(composed.app, 'POST', '/api/v1/institutions', admin, { code: 'ATTACK', name }), 'name')
    }
    await expectProblemNaming(await apiRequest(composed.app, 'GET', '/api/v1/audit?actor=token%3A%00', admin), 'actor')
    await expectProblemNaming(await apiRequest(composed.app, 'GET', '/api/v1/cases?cursor=ab%00', admin), 'cursor')
  })

  // A form is UTF-8 bytes: a lone surrogate cannot be written in one (it arrives as U+FFFD), a NUL can.
  it('refuses a NUL in an Open311 form, path or query with a 400 naming the field', async () => {
    const form = new URLSearchParams({ api_key: partner, service_code: 'health.medicine_shortage', 'attribute[municipality]': '0108', description: NUL })
    await expectProblemNaming(await composed.app.request('/open311/v2/requests.json', { method: 'POST', body: form }), 'description')
    await expectProblemNaming(await composed.app.request('/open311/v2/requests.json?service_request_id=%00'), 'service_request_id')
    await expectProblemNaming(await composed.app.request('/open311/v2/requests/AB%00CD.json'), 'path')
  })

  it('removes them from a Telegram update, which is handled instead of refused', async () => {
    handled.length = 0
    const from = { id: 620000001, is_bot: false, first_name: 'A\u0000na', language_code: 'es' }
    const update = { update_id: 7001, message: { message_id: 7001, date: 1764082800, chat: { id: 620000001, type: 'private' }, from, text: NUL } }
    const response = await composed.app.request('/webhooks/telegram', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'webhook-secret_123' },
      body: JSON.stringify(update),
    })
    expect(response.status).toBe(200)
    expect(handled).toHaveLength(1)
    expect(handled[0]?.content).toEqual({ kind: 'text', text: 'no hay medicinas' })
    expect(unsafeIn(handled)).toBe(false)
  })

  it('removes them from a WhatsApp Cloud message, which is handled instead of refused', async () => {
    handled.length = 0
    const body = webhookBody('wamid.attack-nul-1', { type: 'text', text: { body: LONE_HIGH } })
    const response = await composed.app.request('/webhooks/whatsapp', signedPost(body))
    expect(response.status).toBe(200)
    expect(handled).toHaveLength(1)
    expect(handled[0]?.content).toEqual({ kind: 'text', text: 'no hay  medicinas' })
    expect(unsafeIn(handled)).toBe(false)
  })

  it('removes them from a Baileys message and its sender name', async () => {
    const seen: InboundMessage[] = []
    const handle = async (message: InboundMessage) => {
      seen.push(message)
      return composed.runtime.handle(message)
    }
    const message = { ...incoming('ATTACK-NUL-1', { conversation: LONE_LOW }), pushName: 'A\u0000na' }
    await handleBaileysUpsert({ messages: [message], type: 'notify' }, { db: database.db, logger: silentLogger, handle, maxMediaBytes: 1_000_000, now: () => new Date() })
    expect(seen).toHaveLength(1)
    expect(seen[0]?.content).toEqual({ kind: 'text', text: 'no hay  medicinas' })
    expect(seen[0]?.from.displayName).toBe('Ana')
  })
})
