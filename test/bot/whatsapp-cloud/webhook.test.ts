import { asc, eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { InboundMessage } from '../../../src/bot/channel.js'
import type { Composed } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { contacts, inboundMessages, media, outbox } from '../../../src/db/schema/index.js'
import { signBody } from '../../../src/bot/channels/whatsapp-cloud/verify-signature.js'
import { testApp } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { APP_SECRET, CITIZEN, PHONE_ID, TOKEN, fakeGraphApi, fixture, signedPost } from './fake-graph-api.js'

const KINDS: [name: string, expected: InboundMessage['content']][] = [
  ['text', { kind: 'text', text: 'hola' }],
  ['button-reply', { kind: 'choice', id: 'health', label: 'Salud' }],
  ['list-reply', { kind: 'choice', id: 'medicines', label: 'Falta de medicamentos' }],
  // placed in its municipality by the inbound intake, after the adapter
  ['location', { kind: 'location', latitude: 14.8347, longitude: -91.5181 }],
  ['sticker', { kind: 'unsupported', what: 'sticker' }],
]
const MEDIA: [name: string, mediaId: string, kind: string, mimeType: string][] = [
  ['image', '1003383421387256', 'image', 'image/jpeg'],
  ['voice', '1003383421387257', 'voice', 'audio/ogg; codecs=opus'],
  ['document', '1003383421387258', 'document', 'application/pdf'],
  ['video', '1003383421387259', 'video', 'video/mp4'],
]

describe.each(databaseKinds)('WhatsApp Cloud webhook on %s', (kind) => {
  let database: Database
  let composed: Composed
  let graph: Awaited<ReturnType<typeof fakeGraphApi>>
  const handled: InboundMessage[] = []

  beforeAll(async () => {
    database = await freshDatabase(kind)
    graph = await fakeGraphApi()
    composed = await testApp(database, undefined, silentLogger, {
      WHATSAPP_CLOUD_TOKEN: TOKEN,
      WHATSAPP_CLOUD_PHONE_ID: PHONE_ID,
      WHATSAPP_CLOUD_APP_SECRET: APP_SECRET,
      WHATSAPP_CLOUD_VERIFY_TOKEN: 'verify-me',
      WHATSAPP_CLOUD_API_ROOT: graph.root,
      WHATSAPP_CLOUD_RATE_PER_SECOND: 1000,
    })
    // the real runtime, watched: what the adapter handed it is what the tests read
    await composed.channels.get('whatsapp-cloud')?.start?.(async (message) => {
      handled.push(message)
      return composed.runtime.handle(message)
    })
  })
  afterAll(async () => {
    await graph.close()
    await database.close()
  })
  beforeEach(() => {
    handled.length = 0
  })

  const post = (body: string, signature?: string) => composed.app.request('/webhooks/whatsapp', signedPost(body, signature))

  it('answers Meta’s subscription check with the challenge, and refuses a wrong verify token', async () => {
    const ok = await composed.app.request('/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444')
    expect(ok.status).toBe(200)
    expect(await ok.text()).toBe('1158201444')
    const wrong = await composed.app.request('/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444')
    expect(wrong.status).toBe(403)
    expect(wrong.headers.get('content-type')).toBe('application/problem+json')
  })

  it('refuses a forged or missing signature with 401 and stores nothing', async () => {
    const body = fixture('text')
    const forged = await post(body, `sha256=${'0'.repeat(64)}`)
    expect(forged.status).toBe(401)
    expect(forged.headers.get('content-type')).toBe('application/problem+json')
    const changedAfterSigning = await post(body.replace('hola', 'hola!'), signBody(body, APP_SECRET))
    expect(changedAfterSigning.status).toBe(401)
    const unsigned = await composed.app.request('/webhooks/whatsapp', { method: 'POST', body, headers: { 'content-type': 'application/json' } })
    expect(unsigned.status).toBe(401)
    expect(handled).toEqual([])
    expect(await database.db.select().from(inboundMessages)).toEqual([])
  })

  it.each(KINDS)('hands a %s message to the runtime as the right content', async (name, expected) => {
    const response = await post(fixture(name))
    expect(response.status).toBe(200)
    expect(handled).toHaveLength(1)
    expect(handled[0]).toMatchObject({ channel: 'whatsapp-cloud', from: { channelUserId: CITIZEN, displayName: 'Ana López' }, content: expected })
  })

  it.each(MEDIA)('hands %s media on unfetched at the menu, where no question asks for a file, and fetches it through the Graph API when asked', async (name, mediaId, mediaKind, mimeType) => {
    const content = Buffer.from(`the ${name} file`)
    graph.addFile(mediaId, content, mimeType)
    const downloads = graph.downloads()
    const stored = (await database.db.select({ id: media.id }).from(media)).length
    expect((await post(fixture(name))).status).toBe(200)
    expect(handled[0]?.content).toMatchObject({ kind: 'media', media: mediaKind, ref: mediaId, mimeType })
    expect(graph.downloads()).toBe(downloads)
    expect((await database.db.select({ id: media.id }).from(media)).length).toBe(stored)
    expect(await handled[0]?.media?.fetch(1_000_000)).toEqual({ bytes: content, mimeType })
  })

  it('answers a repeated webhook once', async () => {
    graph.addFile('1003383421387256', Buffer.from('photo'), 'image/jpeg')
    expect((await post(fixture('image'))).status).toBe(200)
    expect((await post(fixture('image'))).status).toBe(200)
    const rows = await database.db.select().from(inboundMessages).where(eq(inboundMessages.channel, 'whatsapp-cloud'))
    expect(rows.filter((row) => row.externalId.endsWith('SQA='))).toHaveLength(1)
  })

  it('ignores reactions and changes addressed to another phone number', async () => {
    expect((await post(fixture('reaction'))).status).toBe(200)
    expect((await post(fixture('text').replace(PHONE_ID, '999999999999999').replace('hola', 'hola de otro número'))).status).toBe(200)
    expect(handled).toEqual([])
  })

  it('answers a body that is not a WhatsApp webhook with a problem document', async () => {
    const response = await post(JSON.stringify({ object: 'page', entry: [] }))
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
  })

  it('records sent, delivered, read and failed on the outbox rows, whatever order they arrive in: one Meta gave up on has failed, one refused for the closed window is held', async () => {
    const [contact] = await database.db.select().from(contacts).where(eq(contacts.channelUserId, CITIZEN))
    const ids = await database.db
      .insert(outbox)
      .values(['wamid.OUT-1', 'wamid.OUT-2', 'wamid.OUT-3'].map((externalId) => ({ channel: 'whatsapp-cloud', address: CITIZEN, contactId: contact?.id, body: { text: 'x' }, status: 'sent' as const, externalId })))
      .returning({ id: outbox.id })
    expect((await post(fixture('statuses'))).status).toBe(200)
    const rows = await database.db.select().from(outbox).where(eq(outbox.channel, 'whatsapp-cloud')).orderBy(asc(outbox.id))
    const byId = new Map(rows.map((row) => [row.id, row]))
    const [read, undeliverable, reengage] = ids.map(({ id }) => byId.get(id))
    // once read or failed for good, the text is no longer kept; refused for the window, it waits to be sent again
    expect(read).toMatchObject({ status: 'sent', deliveryStatus: 'read', deliveryStatusAt: new Date(1_764_072_005_000), body: null })
    expect(undeliverable).toMatchObject({ status: 'failed', deliveryStatus: 'failed', lastError: '131026 Message undeliverable', body: null })
    expect(reengage).toMatchObject({ status: 'held', externalId: null, lastError: 'outside 24h window, waiting for the citizen', body: { text: 'x' } })
  })
})
