import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { recordStatuses } from '../../../src/bot/channels/whatsapp-cloud/record-statuses.js'
import { createOutboxWorker, enqueue } from '../../../src/bot/outbox.js'
import type { Channel } from '../../../src/bot/channel.js'
import type { Database } from '../../../src/db/client.js'
import { outbox } from '../../../src/db/schema/index.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { silentLogger } from '../../support/tiny-engine.js'

const REENGAGEMENT = { code: 131047, title: 'Re-engagement message' }

describe.each(databaseKinds)('WhatsApp Cloud statuses on outbox rows, on %s', (kind) => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })

  /** sends one message through a Cloud-like channel that answers `wamid`, as the real adapter does */
  async function sentMessage(wamid: string, awaitsReceipt: boolean) {
    await enqueue(database.db, { channel: 'whatsapp-cloud', address: `5025555${wamid.slice(-4)}`, locale: 'es', reply: { text: 'Su caso avanzó.' }, kind: 'notice' })
    const cloud: Channel = { kind: 'whatsapp-cloud', ratePerSecond: 1000, inlineReplies: false, send: async () => ({ ok: true, externalId: wamid, awaitsReceipt }) }
    await createOutboxWorker({ db: database.db, channels: new Map([['whatsapp-cloud', cloud]]), logger: silentLogger, pollMs: 60_000 }).runOnce()
    const [row] = await database.db.select().from(outbox).where(eq(outbox.externalId, wamid))
    if (!row) throw new Error('not sent')
    return row
  }
  const rowOf = async (id: number) => (await database.db.select().from(outbox).where(eq(outbox.id, id)))[0]

  it('keeps the text of a sent message until Meta says what became of it, then empties it', async () => {
    const sent = await sentMessage('wamid.KEEP-0001', true)
    expect(sent).toMatchObject({ status: 'sent', body: { text: 'Su caso avanzó.' } })
    await recordStatuses(database.db, [{ id: 'wamid.KEEP-0001', status: 'delivered', timestamp: '1764072000' }])
    expect(await rowOf(sent.id)).toMatchObject({ status: 'sent', deliveryStatus: 'delivered', body: null })
  })

  it('holds a message Meta refused for the closed window, its text kept to send it again', async () => {
    const sent = await sentMessage('wamid.HOLD-0002', true)
    await recordStatuses(database.db, [{ id: 'wamid.HOLD-0002', status: 'failed', timestamp: '1764072000', errors: [REENGAGEMENT] }])
    expect(await rowOf(sent.id)).toMatchObject({ status: 'held', externalId: null, sentAt: null, lastError: 'outside 24h window, waiting for the citizen', body: { text: 'Su caso avanzó.' } })
  })

  it('ends failed a message refused for the window whose text is gone, rather than holding nothing to send', async () => {
    const sent = await sentMessage('wamid.GONE-0003', false)
    expect(sent.body).toBeNull()
    await recordStatuses(database.db, [{ id: 'wamid.GONE-0003', status: 'failed', timestamp: '1764072000', errors: [REENGAGEMENT] }])
    expect(await rowOf(sent.id)).toMatchObject({ status: 'failed', deliveryStatus: 'failed', lastError: '131047 Re-engagement message', body: null })
  })
})
