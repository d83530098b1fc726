import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CaseDraft, createCase } from '../../src/cases/index.js'
import type { Database } from '../../src/db/client.js'
import { cases, caseEvents, inboundMessages, media, outbox, webchatMessages } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { storeMedia } from '../../src/media/store-media.js'
import { purgeExpired } from '../../src/privacy/retention-job.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const longAgo = new Date('2026-01-10T12:00:00Z')
const now = new Date('2026-11-25T12:00:00Z')
const draft: CaseDraft = {
  sector: 'health',
  category: 'medicine_shortage',
  department: '01',
  municipality: '0108',
  facility: 'Centro de Salud',
  description: 'No hay medicinas desde hace un mes.',
  identity: 'anonymous',
}

describe.each(databaseKinds)('purgeExpired on %s', (kind) => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db)
  })
  afterAll(async () => {
    await database.close()
  })

  async function caseWithEvidence(status: 'resolved' | 'routed') {
    const created = await database.db.transaction((tx) => createCase(tx, draft, { now: longAgo, contactId: null, channel: null, locale: 'es' }))
    const [row] = await database.db.update(cases).set({ status, updatedAt: longAgo }).where(eq(cases.code, created.code)).returning()
    const file = await storeMedia(database.db, { channel: 'telegram', kind: 'image', mimeType: 'image/jpeg', content: Buffer.from('jpeg'), maxBytes: 100 })
    await database.db.update(media).set({ caseId: row?.id ?? null, createdAt: longAgo }).where(eq(media.id, file.id))
    return { caseId: row?.id ?? '', mediaId: file.id }
  }

  it('deletes old evidence of closed cases and keeps the case, its events and open cases’ evidence', async () => {
    const closed = await caseWithEvidence('resolved')
    const open = await caseWithEvidence('routed')
    const counts = await database.db.transaction((tx) => purgeExpired(tx, now, 180))
    expect(counts.media).toBe(1)
    expect(await database.db.select({ id: media.id }).from(media)).toEqual([{ id: open.mediaId }])
    expect(await database.db.select().from(cases).where(eq(cases.id, closed.caseId))).toHaveLength(1)
    expect((await database.db.select().from(caseEvents).where(eq(caseEvents.caseId, closed.caseId))).length).toBeGreaterThan(0)
  })

  it('deletes delivered messages and dedupe records older than the period, and keeps recent and pending ones', async () => {
    await database.db.insert(outbox).values([
      { channel: 'telegram', address: '1', body: { text: 'viejo' }, status: 'sent', createdAt: longAgo },
      { channel: 'telegram', address: '1', body: { text: 'pendiente' }, status: 'pending', createdAt: longAgo },
      { channel: 'telegram', address: '1', body: { text: 'reciente' }, status: 'sent', createdAt: now },
    ])
    await database.db.insert(webchatMessages).values([
      { conversationId: 'c-1', body: { text: 'leído' }, createdAt: longAgo, fetchedAt: longAgo },
      { conversationId: 'c-1', body: { text: 'sin leer' }, createdAt: longAgo },
    ])
    await database.db.insert(inboundMessages).values([
      { channel: 'telegram', externalId: 'old', receivedAt: longAgo },
      { channel: 'telegram', externalId: 'new', receivedAt: now },
    ])
    const counts = await database.db.transaction((tx) => purgeExpired(tx, now, 180))
    expect(counts).toMatchObject({ outbox: 1, webchat: 1, inbound: 1 })
    expect((await database.db.select({ body: outbox.body }).from(outbox)).map((row) => row.body)).toEqual(
      expect.arrayContaining([{ text: 'pendiente' }, { text: 'reciente' }]),
    )
    expect(await database.db.select({ id: inboundMessages.externalId }).from(inboundMessages)).toEqual([{ id: 'new' }])
  })
})
