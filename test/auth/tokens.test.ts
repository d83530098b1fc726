import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken, revokeToken, verifyToken } from '../../src/auth/tokens.js'
import type { Database } from '../../src/db/client.js'
import { apiTokens } from '../../src/db/schema/index.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

describe.each(databaseKinds)('API tokens on %s', (kind) => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })

  it('stores only a hash of the secret and recognises the secret later', async () => {
    const created = await createToken(database.db, { name: 'Ana', role: 'admin' })
    const rows = await database.db.select().from(apiTokens)
    expect(JSON.stringify(rows)).not.toContain(created.token)
    const owner = await verifyToken(database.db, created.token, new Date('2026-11-25T10:00:00Z'))
    expect(owner).toEqual({ id: created.id, name: 'Ana', role: 'admin', unitIds: [], groupIds: [] })
    const [row] = await database.db.select().from(apiTokens)
    expect(row?.lastUsedAt?.toISOString()).toBe('2026-11-25T10:00:00.000Z')
  })

  it('rejects an unknown or revoked token', async () => {
    const created = await createToken(database.db, { name: 'Observatorio', role: 'observatory' })
    expect(await verifyToken(database.db, `${created.token}x`)).toBeNull()
    expect(await revokeToken(database.db, created.id)).toBe(true)
    expect(await verifyToken(database.db, created.token)).toBeNull()
  })
})
