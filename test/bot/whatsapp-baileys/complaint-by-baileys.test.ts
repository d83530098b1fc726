import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBaileysChannel } from '../../../src/bot/channels/whatsapp-baileys/baileys-channel.js'
import type { Channel } from '../../../src/bot/channel.js'
import { createOutboxWorker, type OutboxWorker } from '../../../src/bot/outbox.js'
import type { Composed } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { cases, media } from '../../../src/db/schema/index.js'
import type { proto } from '@whiskeysockets/baileys'
import { TRACKING_CODE, testApp } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { encryptedMediaServer } from './encrypted-media.js'
import { CITIZEN_JID, fakeBaileysSocket, incoming } from './fake-socket.js'
import { phonePhoto } from '../../support/photo.js'


describe.each(databaseKinds)('a complaint through WhatsApp (Baileys) on %s', (kind) => {
  let database: Database
  let composed: Composed
  let channel: Channel
  let outbox: OutboxWorker
  let files: Awaited<ReturnType<typeof encryptedMediaServer>>
  const fake = fakeBaileysSocket()
  const handled: (() => void)[] = []

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
    files = await encryptedMediaServer()
    channel = createBaileysChannel({
      db: database.db,
      logger: silentLogger,
      account: 'office',
      ratePerSecond: 1000,
      openSocket: () => fake.socket,
      showLogin: () => {},
    })
    // the real runtime; each handled message resolves the wait of the `send` that emitted it
    await channel.start?.(async (message) => {
      const result = await composed.runtime.handle(message)
      handled.shift()?.()
      return result
    })
    fake.ev.emit('connection.update', { connection: 'open' })
    outbox = createOutboxWorker({ db: database.db, channels: new Map([['whatsapp-baileys', channel]]), logger: silentLogger, pollMs: 10 })
  })
  afterAll(async () => {
    await channel.stop?.()
    await files.close()
    await database.close()
  })

  let counter = 0
  /** The citizen sends one message; answers the text of every message the bot sent back. */
  async function send(content: proto.IMessage): Promise<string> {
    const before = fake.sent.length
    const done = new Promise<void>((resolve) => handled.push(resolve))
    fake.ev.emit('messages.upsert', { messages: [incoming(`3EB0${++counter}`, content)], type: 'notify' })
    await done
    expect(await outbox.runOnce()).toBeGreaterThan(0)
    const replies = fake.sent.slice(before)
    expect(replies.every((reply) => reply.jid === CITIZEN_JID)).toBe(true)
    return replies.map((reply) => reply.text).join('\n')
  }
  /** Answers a numbered menu with the number of the option whose label matches. */
  function numberOf(menu: string, label: RegExp): string {
    const line = menu.split('\n').find((candidate) => /^\d+\. /.test(candidate) && label.test(candidate))
    if (!line) throw new Error(`no option ${label} in: ${menu}`)
    return line.split('.')[0] ?? ''
  }

  it('files a complaint with a shared location and a photo and answers with the tracking code', async () => {
    let menu = await send({ conversation: 'hola' })
    menu = await send({ conversation: numberOf(menu, /queja/i) })
    menu = await send({ conversation: numberOf(menu, /salud/i) })
    await send({ extendedTextMessage: { text: numberOf(menu, /medicamentos/i) } })
    const place = await send({ locationMessage: { degreesLatitude: 14.6333, degreesLongitude: -90.6064 } })
    expect(place).toContain('Mixco')
    await send({ conversation: 'sí' })
    await send({ conversation: 'Centro de Salud de Mixco' })
    await send({ conversation: 'no' })
    await send({ conversation: 'Desde hace dos semanas no hay amoxicilina para los niños en la farmacia.' })
    const photo = await files.add('shelf', await phonePhoto(), 'image')
    menu = await send({ imageMessage: { url: photo.url, mediaKey: photo.mediaKey, mimetype: 'image/jpeg' } })
    await send({ conversation: numberOf(menu, /confidencial/i) })
    await send({ conversation: 'sí' })
    const done = await send({ conversation: 'sí' })

    const code = TRACKING_CODE.exec(done)?.[0]
    expect(code).toBeDefined()
    const [filed] = await database.db.select().from(cases).where(eq(cases.code, code ?? ''))
    expect(filed).toMatchObject({ municipalityCode: '0108', channel: 'whatsapp-baileys', status: 'routed' })
    const evidence = await database.db.select().from(media).where(and(eq(media.caseId, filed?.id ?? ''), eq(media.kind, 'image')))
    expect(evidence).toHaveLength(1)
  })
})
