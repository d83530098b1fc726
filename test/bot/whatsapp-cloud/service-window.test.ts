import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWhatsappCloudChannel } from '../../../src/bot/channels/whatsapp-cloud/cloud-channel.js'
import { reopenServiceWindow } from '../../../src/bot/channels/whatsapp-cloud/service-window.js'
import { createOutboxWorker, enqueue } from '../../../src/bot/outbox.js'
import type { Database } from '../../../src/db/client.js'
import { contacts, outbox } from '../../../src/db/schema/index.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { APP_SECRET, CITIZEN, PHONE_ID, TOKEN, fakeGraphApi } from './fake-graph-api.js'

describe.each(databaseKinds)('the WhatsApp Cloud 24-hour window in the outbox, on %s', (kind) => {
  let database: Database
  let graph: Awaited<ReturnType<typeof fakeGraphApi>>
  let clock = new Date('2026-12-01T12:00:00Z')
  beforeAll(async () => {
    database = await freshDatabase(kind)
    graph = await fakeGraphApi()
  })
  afterAll(async () => {
    await graph.close()
    await database.close()
  })

  it('holds messages to a citizen silent for two days, and sends them once they write, even before their message is handled', async () => {
    await database.db.insert(contacts).values({ channel: 'whatsapp-cloud', channelUserId: CITIZEN, locale: 'es', lastSeenAt: new Date(clock.getTime() - 48 * 3_600_000) })
    await enqueue(database.db, ['Su caso fue atendido.', 'Su caso fue resuelto.'].map((text) => ({ channel: 'whatsapp-cloud' as const, address: CITIZEN, locale: 'es', reply: { text }, kind: 'notice' as const, notBefore: clock })))
    const cloud = createWhatsappCloudChannel({
      db: database.db,
      logger: silentLogger,
      token: TOKEN,
      phoneId: PHONE_ID,
      appSecret: APP_SECRET,
      verifyToken: 'verify-me',
      apiRoot: graph.root,
      ratePerSecond: 80,
      listButton: () => 'Ver opciones',
      now: () => clock,
    })
    const worker = createOutboxWorker({ db: database.db, channels: new Map([['whatsapp-cloud', cloud]]), logger: silentLogger, pollMs: 60_000, now: () => clock })
    expect(await worker.runOnce()).toBe(0)
    expect((await database.db.select().from(outbox).where(eq(outbox.address, CITIZEN))).map((row) => row.status)).toEqual(['held', 'held'])
    expect(graph.sent).toEqual([])

    // the webhook brings a message: the window opens before the runtime has handled it
    clock = new Date(clock.getTime() + 60_000)
    await reopenServiceWindow(database.db, CITIZEN, clock)
    expect(await worker.runOnce()).toBe(2)
    expect(graph.sent).toMatchObject([{ to: CITIZEN, text: { body: 'Su caso fue atendido.' } }, { to: CITIZEN, text: { body: 'Su caso fue resuelto.' } }])
  })
})
