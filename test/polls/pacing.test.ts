import { asc, eq, inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { enqueue } from '../../src/bot/outbox.js'
import { OUTSIDE_WINDOW } from '../../src/bot/channels/whatsapp-cloud/service-window.js'
import type { Database } from '../../src/db/client.js'
import { outbox } from '../../src/db/schema/index.js'
import { messageBudget } from '../../src/polls/pacing.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

describe.each(databaseKinds)('messageBudget on %s', (kind) => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })

  it('leaves out messages held for a member to open the WhatsApp window, and counts the rest', async () => {
    const pacing = { rates: new Map([['whatsapp-cloud', 1]]), windowSeconds: 60, maxPerRun: 2_000 }
    await enqueue(database.db, Array.from({ length: 52 }, () => ({ channel: 'whatsapp-cloud' as const, address: '50200000000', locale: 'es', reply: { text: 'x' }, kind: 'flow' as const })))
    const rows = await database.db.select({ id: outbox.id }).from(outbox).orderBy(asc(outbox.id))
    await database.db.update(outbox).set({ status: 'held', lastError: OUTSIDE_WINDOW }).where(inArray(outbox.id, rows.slice(0, 50).map((row) => row.id)))
    await database.db.update(outbox).set({ lastError: '500: try later' }).where(eq(outbox.id, rows[51]?.id ?? 0))
    // 60 a run, minus the two in the channel's way; the 50 waiting for their members do not count
    expect(await messageBudget(database.db, pacing, 'whatsapp-cloud')).toBe(58)
  })
})
