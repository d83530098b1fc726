import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { type Database, type DatabaseKind, openDatabase } from '../../src/db/client.js'

/**
 * The databases a database test runs on: always PGlite in memory, and the PostgreSQL server
 * too when TEST_DATABASE_URL is set (CI sets it).
 */
export const databaseKinds: DatabaseKind[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite']

/**
 * A fresh, migrated database of the given kind. On PostgreSQL each call creates its own database
 * (dropped by `close`), so test files can run in parallel without seeing each other's rows.
 */
export async function freshDatabase(kind: DatabaseKind): Promise<Database & { url?: string }> {
  if (kind === 'pglite') return openDatabase({ kind: 'pglite' })
  const adminUrl = process.env.TEST_DATABASE_URL
  if (!adminUrl) throw new Error('TEST_DATABASE_URL is not set')
  const name = `dialogo_test_${randomBytes(6).toString('hex')}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const database = await openDatabase({ kind: 'postgres', url: url.toString(), maxConnections: 5 })
  return {
    ...database,
    /** for a second connection, as a second app instance would open */
    url: url.toString(),
    close: async () => {
      await database.close()
      const dropper = postgres(adminUrl, { max: 1, onnotice: () => {} })
      await dropper.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await dropper.end()
    },
  }
}
