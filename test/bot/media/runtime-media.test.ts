import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InboundMessage, MediaSource } from '../../../src/bot/channel.js'
import type { MessageContent } from '../../../src/bot/engine/types.js'
import type { Composed } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { media } from '../../../src/db/schema/index.js'
import { storeMedia } from '../../../src/media/store-media.js'
import { testApp } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { phonePhoto } from '../../support/photo.js'

describe.each(databaseKinds)('the runtime with media on %s', (kind) => {
  let database: Database
  let composed: Composed
  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
  })
  afterAll(async () => {
    await database.close()
  })

  let counter = 0
  const message = (chat: string, content: MessageContent, source?: MediaSource): InboundMessage => ({
    channel: 'telegram',
    externalId: `runtime-media-${++counter}`,
    from: { channelUserId: chat },
    receivedAt: new Date(),
    content,
    media: source,
  })
  const say = (chat: string, text: string) => composed.runtime.handle(message(chat, { kind: 'text', text }))
  const photoSource = (bytes: Buffer) => {
    let fetches = 0
    const source: MediaSource = {
      fetch: () => {
        fetches++
        return Promise.resolve({ bytes, mimeType: 'image/jpeg' })
      },
    }
    return { source, fetches: () => fetches }
  }
  const photoContent: MessageContent = { kind: 'media', media: 'image', ref: 'AgACAgEAAxkB_platform_handle', mimeType: 'image/jpeg' }

  it('asks the intake to fetch a file only at the question that expects one', async () => {
    const chat = '740000001'
    await say(chat, 'hola')
    const early = photoSource(await phonePhoto())
    await composed.runtime.handle(message(chat, photoContent, early.source))
    expect(early.fetches()).toBe(0)

    for (const answer of ['queja', 'salud', 'medicamentos', 'guatemala', 'mixco', 'Centro de Salud de Mixco', 'no']) await say(chat, answer)
    await say(chat, 'Desde hace un mes no hay medicinas para la presión.')
    const expected = photoSource(await phonePhoto())
    const result = await composed.runtime.handle(message(chat, photoContent, expected.source))
    expect(expected.fetches()).toBe(1)
    expect(result.replies.map((reply) => reply.text).join('\n')).toContain('Recibí su foto')
  })

  it('drops a stored file that reaches a conversation no longer asking for one', async () => {
    const chat = '740000002'
    await say(chat, 'hola')
    // stored by an intake that looked before another message moved the session on
    const stored = await storeMedia(database.db, { channel: 'telegram', kind: 'image', mimeType: 'image/jpeg', content: await phonePhoto(), maxBytes: 1_000_000 })
    await composed.runtime.handle(message(chat, { kind: 'media', media: 'image', ref: stored.id, mimeType: 'image/jpeg' }))
    expect(await database.db.select({ id: media.id }).from(media).where(eq(media.id, stored.id))).toEqual([])
  })
})
