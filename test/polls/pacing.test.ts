import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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

  it('leaves out messages waiting for a member to open the WhatsApp window, and counts the rest', async () => {
    const pacing = { rates: new Map([['whatsapp-cloud', 1]]), windowSeconds: 60, maxPerRun: 2_000 }
    const row = (lastError: string | null) => ({ channel: 'whatsapp-cloud', address: '50200000000', body: { text: 'x' }, lastError })
    await database.db.insert(outbox).values([...Array.from({ length: 50 }, () => row(OUTSIDE_WINDOW)), row(null), row('500: try later')])
    // 60 a run, minus the two in the channel's way; the 50 waiting for their members do not count
    expect(await messageBudget(database.db, pacing, 'whatsapp-cloud')).toBe(58)
  })
})
