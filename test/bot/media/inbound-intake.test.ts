import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InboundMessage, MediaSource } from '../../../src/bot/channel.js'
import { createInboundIntake } from '../../../src/bot/channels/inbound-intake.js'
import type { Database } from '../../../src/db/client.js'
import { inboundMessages, media } from '../../../src/db/schema/index.js'
import { MediaTooLargeError } from '../../../src/media/store-media.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { metadataOf, phonePhoto } from '../../support/photo.js'
import { silentLogger } from '../../support/tiny-engine.js'

/** A file as a platform would hand it out, counting how often it is fetched. */
function platformFile(bytes: Buffer, mimeType: string, announcedSize?: number) {
  let fetches = 0
  const source: MediaSource = {
    announcedSize,
    fetch: (maxBytes) => {
      fetches++
      if (bytes.length > maxBytes) return Promise.reject(new MediaTooLargeError(bytes.length, maxBytes))
      return Promise.resolve({ bytes, mimeType })
    },
  }
  return { source, fetches: () => fetches }
}

let counter = 0
function mediaMessage(kind: 'image' | 'voice' | 'document', source: MediaSource, mimeType: string): InboundMessage {
  counter++
  return {
    channel: 'telegram',
    externalId: `intake-${counter}`,
    from: { channelUserId: `chat-${counter}` },
    receivedAt: new Date('2026-11-25T15:00:00Z'),
    content: { kind: 'media', media: kind, ref: `platform-handle-${counter}`, mimeType, caption: 'la farmacia' },
    media: source,
  }
}

describe.each(databaseKinds)('the inbound intake on %s', (kind) => {
  let database: Database
  let intake: ReturnType<typeof createInboundIntake>
  beforeAll(async () => {
    database = await freshDatabase(kind)
    intake = createInboundIntake({ db: database.db, logger: silentLogger, maxMediaBytes: 50_000 })
  })
  afterAll(async () => {
    await database.close()
  })

  const storedRow = async (id: string) => (await database.db.select().from(media).where(eq(media.id, id)))[0]

  it('stores a photo the question expects without its GPS, device and owner tags, and points the message at it', async () => {
    const photo = await phonePhoto()
    expect(await metadataOf(photo)).toMatchObject({ exif: true, xmp: true, device: true })
    const file = platformFile(photo, 'image/jpeg')
    const content = await intake(mediaMessage('image', file.source, 'image/jpeg'), { media: true })
    if (content.kind !== 'media') throw new Error(`expected media, got ${JSON.stringify(content)}`)
    const row = await storedRow(content.ref)
    expect(row).toMatchObject({ channel: 'telegram', kind: 'image', mimeType: 'image/jpeg', size: row?.content.length, caseId: null })
    expect(await metadataOf(row?.content ?? photo)).toEqual({ format: 'jpeg', exif: false, xmp: false, iptc: false, device: false })
    expect(content).toMatchObject({ media: 'image', mimeType: 'image/jpeg', size: row?.content.length, caption: 'la farmacia' })
  })

  it('cleans a photo sent as a document too: the bytes decide, not the reported kind', async () => {
    const file = platformFile(await phonePhoto('#036'), 'image/jpeg')
    const content = await intake(mediaMessage('document', file.source, 'image/jpeg'), { media: true })
    if (content.kind !== 'media') throw new Error('expected media')
    expect(await metadataOf((await storedRow(content.ref))?.content ?? Buffer.alloc(0))).toMatchObject({ exif: false, xmp: false })
  })

  it('keeps a photo whose platform called it a plain file as the JPEG it is, cleaned', async () => {
    const file = platformFile(await phonePhoto('#630'), 'application/octet-stream')
    const content = await intake(mediaMessage('document', file.source, 'application/octet-stream'), { media: true })
    if (content.kind !== 'media') throw new Error(`expected media, got ${JSON.stringify(content)}`)
    const row = await storedRow(content.ref)
    expect(row).toMatchObject({ kind: 'document', mimeType: 'image/jpeg' })
    expect(await metadataOf(row?.content ?? Buffer.alloc(0))).toMatchObject({ exif: false, xmp: false })
  })

  it('keeps a voice note as it came', async () => {
    const voice = Buffer.from('OggS a voice note')
    const content = await intake(mediaMessage('voice', platformFile(voice, 'audio/ogg; codecs=opus').source, 'audio/ogg'), { media: true })
    if (content.kind !== 'media') throw new Error('expected media')
    expect(await storedRow(content.ref)).toMatchObject({ content: voice, mimeType: 'audio/ogg', kind: 'voice' })
  })

  it('downloads nothing when no question expects a file', async () => {
    const file = platformFile(await phonePhoto(), 'image/jpeg')
    const before = (await database.db.select({ id: media.id }).from(media)).length
    const message = mediaMessage('image', file.source, 'image/jpeg')
    expect(await intake(message, { media: false })).toEqual(message.content)
    expect(file.fetches()).toBe(0)
    expect((await database.db.select({ id: media.id }).from(media)).length).toBe(before)
  })

  it('refuses a file over the limit: unfetched when its size is announced, stopped when it is not', async () => {
    const big = Buffer.alloc(50_001, 7)
    const announced = platformFile(big, 'application/pdf', big.length)
    expect(await intake(mediaMessage('document', announced.source, 'application/pdf'), { media: true })).toEqual({ kind: 'unsupported', what: 'media-too-large' })
    expect(announced.fetches()).toBe(0)
    const silent = platformFile(big, 'application/pdf')
    expect(await intake(mediaMessage('document', silent.source, 'application/pdf'), { media: true })).toEqual({ kind: 'unsupported', what: 'media-too-large' })
  })

  it('refuses types a browser or a computer could run, and a "photo" that is not one', async () => {
    for (const [bytes, mimeType] of [
      [Buffer.from('<script>alert(1)</script>'), 'text/html'],
      [Buffer.from('<svg onload="alert(1)"/>'), 'image/svg+xml'],
      [Buffer.from('MZ an executable'), 'application/x-msdownload'],
    ] as const) {
      expect(await intake(mediaMessage('document', platformFile(bytes, mimeType).source, mimeType), { media: true }), mimeType).toEqual({ kind: 'unsupported', what: 'media-type' })
    }
    const fake = platformFile(Buffer.from('not really a jpeg'), 'image/jpeg')
    expect(await intake(mediaMessage('image', fake.source, 'image/jpeg'), { media: true })).toEqual({ kind: 'unsupported', what: 'media-type' })
  })

  it('asks again kindly when the download fails', async () => {
    const broken: MediaSource = { fetch: () => Promise.reject(new Error('socket hang up')) }
    expect(await intake(mediaMessage('image', broken, 'image/jpeg'), { media: true })).toEqual({ kind: 'unsupported', what: 'media-failed' })
  })

  it('does not fetch a file again for a message handled before', async () => {
    const file = platformFile(await phonePhoto(), 'image/jpeg')
    const message = mediaMessage('image', file.source, 'image/jpeg')
    await database.db.insert(inboundMessages).values({ channel: message.channel, externalId: message.externalId, receivedAt: message.receivedAt })
    expect(await intake(message, { media: true })).toEqual(message.content)
    expect(file.fetches()).toBe(0)
  })

  it('places a shared location in its municipality, whatever the channel', async () => {
    const message: InboundMessage = { ...mediaMessage('image', platformFile(Buffer.alloc(0), 'image/jpeg').source, 'image/jpeg'), media: undefined, content: { kind: 'location', latitude: 14.8347, longitude: -91.5181 } }
    expect(await intake(message, { media: false })).toEqual({ kind: 'location', latitude: 14.8347, longitude: -91.5181, municipalityCode: '0901' })
  })
})
