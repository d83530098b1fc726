import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { loadAudioPrompts } from '../../../src/bot/audio-prompts.js'
import type { Channel } from '../../../src/bot/channel.js'
import { createBaileysChannel } from '../../../src/bot/channels/whatsapp-baileys/baileys-channel.js'
import { createWhatsappCloudChannel } from '../../../src/bot/channels/whatsapp-cloud/cloud-channel.js'
import type { Database } from '../../../src/db/client.js'
import { contacts } from '../../../src/db/schema/index.js'
import { freshDatabase } from '../../support/database.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { APP_SECRET, PHONE_ID, TOKEN, fakeGraphApi } from '../whatsapp-cloud/fake-graph-api.js'
import { fakeBaileysSocket } from '../whatsapp-baileys/fake-socket.js'
import { recordingsDir } from './recordings-dir.js'

const NOW = new Date('2026-11-25T18:00:00Z')
const QUESTION = { text: '¿Qué desea hacer?', prompt: { key: 'menu.prompt', locale: 'es' } }

describe('audio prompts through WhatsApp', () => {
  let database: Database
  let folder: ReturnType<typeof recordingsDir>
  beforeAll(async () => {
    folder = recordingsDir({ 'es/menu.prompt.ogg': 'ogg', 'es/complaint.sector.prompt.mp3': 'mp3' })
    database = await freshDatabase('pglite')
    await database.db.insert(contacts).values([
      { channel: 'whatsapp-cloud', channelUserId: '50255550001', locale: 'es', lastSeenAt: new Date(NOW.getTime() - 3_600_000) },
      { channel: 'whatsapp-cloud', channelUserId: '50255550003', locale: 'es', lastSeenAt: new Date(NOW.getTime() - 25 * 3_600_000) },
    ])
  })
  afterAll(async () => {
    await database?.close()
    folder?.remove()
  })

  describe('Cloud API', () => {
    let graph: Awaited<ReturnType<typeof fakeGraphApi>>
    let channel: Channel
    beforeAll(async () => {
      graph = await fakeGraphApi()
      channel = createWhatsappCloudChannel({
        db: database.db,
        logger: silentLogger,
        token: TOKEN,
        phoneId: PHONE_ID,
        appSecret: APP_SECRET,
        verifyToken: 'verify-me',
        apiRoot: graph.root,
        ratePerSecond: 80,
        template: { name: 'dialogo_aviso', language: 'es' },
        listButton: () => 'Ver opciones',
        now: () => NOW,
        audio: await loadAudioPrompts(folder.dir),
      })
    })
    afterAll(async () => graph?.close())
    beforeEach(() => {
      graph.sent.length = 0
    })

    it('uploads the recording once and sends it by id as a voice note before the text', async () => {
      const result = await channel.send('50255550001', QUESTION)
      expect(result.ok).toBe(true)
      expect(graph.uploads).toHaveLength(1)
      const upload = graph.uploads[0]
      expect(upload?.contentType).toMatch(/^multipart\/form-data; boundary=/)
      expect(upload?.body).toContain('audio/ogg; codecs=opus')
      expect(upload?.body).toContain('name="messaging_product"')
      expect(upload?.body).toContain('OggS')
      expect(graph.sent).toEqual([
        { messaging_product: 'whatsapp', recipient_type: 'individual', to: '50255550001', type: 'audio', audio: { id: '9000001', voice: true } },
        expect.objectContaining({ type: 'text', text: expect.objectContaining({ body: '¿Qué desea hacer?' }) }),
      ])
      await channel.send('50255550001', QUESTION)
      expect(graph.uploads).toHaveLength(1)
      expect(graph.sent[2]).toMatchObject({ type: 'audio', audio: { id: '9000001', voice: true } })
    })

    it('sends an MP3 as plain audio, and text alone where there is no recording', async () => {
      await channel.send('50255550001', { text: '¿Sobre qué servicio?', prompt: { key: 'complaint.sector.prompt', locale: 'es' } })
      expect(graph.sent[0]).toMatchObject({ type: 'audio', audio: { id: '9000002' } })
      expect(graph.sent[0]).not.toHaveProperty('audio.voice')
      graph.sent.length = 0
      await channel.send('50255550001', { text: 'Sin grabación', prompt: { key: 'status.lastNote', locale: 'es' } })
      expect(graph.sent.map((body) => (body as { type: string }).type)).toEqual(['text'])
    })

    it('sends no recording outside the 24-hour window, where only the template goes', async () => {
      await channel.send('50255550003', QUESTION)
      expect(graph.sent.map((body) => (body as { type: string }).type)).toEqual(['template'])
    })

    it('still sends the text when Meta refuses the voice note', async () => {
      graph.failNext({ status: 400, code: 131053, message: 'Media upload error' })
      const result = await channel.send('50255550001', QUESTION)
      expect(result.ok).toBe(true)
      expect(graph.sent.map((body) => (body as { type: string }).type)).toEqual(['text'])
    })
  })

  describe('Baileys', () => {
    it('sends the recording as a push-to-talk voice note, then the text', async () => {
      const fake = fakeBaileysSocket()
      const contents: unknown[] = []
      const socket = { ...fake.socket, sendMessage: async (jid: string, content: Parameters<typeof fake.socket.sendMessage>[1]) => {
        contents.push(content)
        return fake.socket.sendMessage(jid, content)
      } }
      const channel = createBaileysChannel({
        db: database.db,
        logger: silentLogger,
        account: 'audio-test',
        ratePerSecond: 100,
        openSocket: () => socket,
        audio: await loadAudioPrompts(folder.dir),
      })
      await channel.start?.(async () => ({ duplicate: false, replies: [] }))
      try {
        socket.ev.emit('connection.update', { connection: 'open' })
        expect(channel.canSend?.()).toBe(true)
        const result = await channel.send('50255550001@s.whatsapp.net', QUESTION)
        expect(result.ok).toBe(true)
        expect(contents).toEqual([
          { audio: expect.any(Buffer), mimetype: 'audio/ogg; codecs=opus', ptt: true },
          { text: '¿Qué desea hacer?' },
        ])
      } finally {
        await channel.stop?.()
      }
    })
  })
})
