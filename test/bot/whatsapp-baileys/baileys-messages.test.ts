import { proto } from '@whiskeysockets/baileys'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { InboundMessage } from '../../../src/bot/channel.js'
import { handleBaileysUpsert } from '../../../src/bot/channels/whatsapp-baileys/handle-upsert.js'
import type { Database } from '../../../src/db/client.js'
import { media } from '../../../src/db/schema/index.js'
import { MediaTooLargeError } from '../../../src/media/store-media.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { encryptedMediaServer } from './encrypted-media.js'
import { CITIZEN_JID, incoming } from './fake-socket.js'

describe.each(databaseKinds)('Baileys messages.upsert on %s', (kind) => {
  let database: Database
  let files: Awaited<ReturnType<typeof encryptedMediaServer>>
  beforeAll(async () => {
    database = await freshDatabase(kind)
    files = await encryptedMediaServer()
  })
  afterAll(async () => {
    await files.close()
    await database.close()
  })

  /** What the adapter hands the runtime for one upsert. */
  async function received(messages: Parameters<typeof handleBaileysUpsert>[0]['messages'], type: 'notify' | 'append' = 'notify') {
    const handled: InboundMessage[] = []
    const handle = async (message: InboundMessage) => {
      handled.push(message)
      return { duplicate: false, replies: [] }
    }
    await handleBaileysUpsert({ messages, type }, { db: database.db, logger: silentLogger, handle, now: () => new Date() })
    return handled
  }

  it('turns a conversation and an extended text into text from the phone-number chat', async () => {
    const [plain, extended] = await received([incoming('A1', { conversation: 'hola' }), incoming('A2', { extendedTextMessage: { text: 'quiero poner una queja' } })])
    expect(plain).toEqual({
      channel: 'whatsapp-baileys',
      externalId: 'A1',
      from: { channelUserId: CITIZEN_JID, displayName: 'Ana' },
      receivedAt: new Date(1_764_072_000_000),
      content: { kind: 'text', text: 'hola' },
    })
    expect(extended?.content).toEqual({ kind: 'text', text: 'quiero poner una queja' })
  })

  it('uses the phone number in remoteJidAlt when the chat is addressed by an @lid id', async () => {
    const [message] = await received([incoming('L1', { conversation: 'hola' }, { remoteJid: '123456789012345@lid', remoteJidAlt: CITIZEN_JID })])
    expect(message?.from.channelUserId).toBe(CITIZEN_JID)
  })

  it('passes a shared location on as its point (the inbound intake places it)', async () => {
    const [message] = await received([incoming('P1', { locationMessage: { degreesLatitude: 14.8347, degreesLongitude: -91.5181 } })])
    expect(message?.content).toEqual({ kind: 'location', latitude: 14.8347, longitude: -91.5181 })
  })

  it('describes a photo and a voice note without downloading them, and fetches and decrypts them when asked', async () => {
    const photo = Buffer.from('a photo of an empty pharmacy shelf')
    const voice = Buffer.from('OggS a voice note')
    const image = await files.add('photo', photo, 'image')
    const audio = await files.add('voice', voice, 'audio')
    const before = (await database.db.select({ id: media.id }).from(media)).length
    const [first, second] = await received([
      incoming('M1', { imageMessage: { url: image.url, mediaKey: image.mediaKey, mimetype: 'image/jpeg', caption: 'la farmacia', fileLength: image.fileLength } }),
      incoming('M2', { audioMessage: { url: audio.url, mediaKey: audio.mediaKey, mimetype: 'audio/ogg; codecs=opus', ptt: true } }),
    ])
    expect(first?.content).toEqual({ kind: 'media', media: 'image', ref: 'M1', mimeType: 'image/jpeg', caption: 'la farmacia' })
    expect(second?.content).toMatchObject({ kind: 'media', media: 'voice', mimeType: 'audio/ogg; codecs=opus' })
    expect(first?.media?.announcedSize).toBe(photo.length)
    // nothing is downloaded, nor stored, until the intake asks
    expect(files.downloads()).toBe(0)
    expect((await database.db.select({ id: media.id }).from(media)).length).toBe(before)
    expect(await first?.media?.fetch(1_000_000)).toEqual({ bytes: photo, mimeType: 'image/jpeg' })
    expect(await second?.media?.fetch(1_000_000)).toEqual({ bytes: voice, mimeType: 'audio/ogg; codecs=opus' })
  })

  it('stops a download that passes the limit, and reports the size WhatsApp announces', async () => {
    const big = await files.add('big', Buffer.alloc(1_000_001, 1), 'document')
    const [message] = await received([incoming('B1', { documentMessage: { url: big.url, mediaKey: big.mediaKey, mimetype: 'application/pdf' } })])
    await expect(message?.media?.fetch(1_000_000)).rejects.toBeInstanceOf(MediaTooLargeError)
    const [announced] = await received([incoming('B2', { videoMessage: { url: big.url, mediaKey: big.mediaKey, mimetype: 'video/mp4', fileLength: 5_000_000 } })])
    expect(announced?.media?.announcedSize).toBe(5_000_000)
  })

  it('ignores groups, status broadcasts, its own messages, reactions and history appends', async () => {
    const handled = await received([
      incoming('G1', { conversation: 'en el grupo' }, { remoteJid: '120363000000000000@g.us', participant: CITIZEN_JID }),
      incoming('S1', { conversation: 'estado' }, { remoteJid: 'status@broadcast', participant: CITIZEN_JID }),
      incoming('O1', { conversation: 'nuestro' }, { fromMe: true }),
      incoming('R1', { reactionMessage: { key: { id: 'A1', remoteJid: CITIZEN_JID }, text: '👍' } }),
      incoming('X1', { protocolMessage: { type: proto.Message.ProtocolMessage.Type.REVOKE } }),
    ])
    expect(handled).toEqual([])
    expect(await received([incoming('H1', { conversation: 'viejo' })], 'append')).toEqual([])
  })

  it('passes a sticker or a contact card on as unsupported so the citizen gets a kind answer', async () => {
    const handled = await received([incoming('U1', { stickerMessage: { mimetype: 'image/webp' } }), incoming('U2', { contactMessage: { displayName: 'Luis' } })])
    expect(handled.map((message) => message.content)).toEqual([
      { kind: 'unsupported', what: 'stickerMessage' },
      { kind: 'unsupported', what: 'contactMessage' },
    ])
  })
})
