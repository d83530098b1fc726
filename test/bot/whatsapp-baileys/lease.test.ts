import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acquireLease, releaseLease } from '../../../src/bot/channels/whatsapp-baileys/lease.js'
import type { Database } from '../../../src/db/client.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'

describe.each(databaseKinds)('channel lease on %s', (kind) => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })
  const at = (seconds: number) => new Date(Date.parse('2026-11-25T12:00:00Z') + seconds * 1000)

  it('lets one instance hold a number, renew it, and another take over only once it has expired', async () => {
    const lease = (holder: string, seconds: number) => acquireLease(database.db, { name: 'whatsapp-baileys:a', holder, ttlMs: 30_000, at: at(seconds) })
    expect(await lease('instance-1', 0)).toBe(true)
    expect(await lease('instance-2', 1)).toBe(false)
    expect(await lease('instance-1', 20)).toBe(true)
    expect(await lease('instance-2', 45)).toBe(false)
    expect(await lease('instance-2', 51)).toBe(true)
    expect(await lease('instance-1', 52)).toBe(false)
  })

  it('frees the number at once when the holder releases it', async () => {
    const lease = (holder: string) => acquireLease(database.db, { name: 'whatsapp-baileys:b', holder, ttlMs: 30_000, at: at(0) })
    expect(await lease('instance-1')).toBe(true)
    await releaseLease(database.db, 'whatsapp-baileys:b', 'instance-2')
    expect(await lease('instance-2')).toBe(false)
    await releaseLease(database.db, 'whatsapp-baileys:b', 'instance-1')
    expect(await lease('instance-2')).toBe(true)
  })
})
