import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CaseDraft, createCase } from '../../src/cases/index.js'
import type { Database } from '../../src/db/client.js'
import { cases, media } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { storeMedia } from '../../src/media/store-media.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const now = new Date('2026-11-25T15:00:00Z')
const draft: CaseDraft = {
  sector: 'health',
  category: 'medicine_shortage',
  department: '01',
  municipality: '0108',
  facility: 'Centro de Salud de Mixco',
  description: 'No hay amoxicilina desde hace un mes.',
  identity: 'anonymous',
}

describe.each(databaseKinds)('createCase with evidence on %s', (kind) => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db)
  })
  afterAll(async () => {
    await database.close()
  })

  const photo = () =>
    storeMedia(database.db, { channel: 'telegram', kind: 'image', mimeType: 'image/jpeg', content: Buffer.from('a photo'), maxBytes: 1000 })
  const create = (evidence?: string[]) =>
    database.db.transaction((tx) => createCase(tx, { ...draft, evidence }, { now, contactId: null, channel: 'telegram', locale: 'es' }))
  const caseOf = async (mediaId: string) => {
    const [row] = await database.db.select({ caseId: media.caseId }).from(media).where(eq(media.id, mediaId))
    return row?.caseId
  }

  it('links the media the citizen sent to the new case', async () => {
    const stored = await photo()
    const { code } = await create([stored.id])
    const [row] = await database.db.select({ id: cases.id }).from(cases).where(eq(cases.code, code))
    expect(await caseOf(stored.id)).toBe(row?.id)
  })

  it('never moves evidence already linked to another case', async () => {
    const stored = await photo()
    await create([stored.id])
    const first = await caseOf(stored.id)
    await create([stored.id])
    expect(await caseOf(stored.id)).toBe(first)
  })

  it('files a case without evidence as before', async () => {
    const before = await photo()
    await create()
    expect(await caseOf(before.id)).toBeNull()
  })
})
