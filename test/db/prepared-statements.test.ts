import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { openDatabase } from '../../src/db/client.js'
import { freshDatabase } from '../support/database.js'

// PostgreSQL only (where TEST_DATABASE_URL is set): PGlite runs in-process, with no round trips to save.
const onServer = process.env.TEST_DATABASE_URL !== undefined

describe('openDatabase', () => {
  if (onServer) it('prepares the statements drizzle sends, in transactions and savepoints too', async () => {
    const scratch = await freshDatabase('postgres')
    const database = await openDatabase({ kind: 'postgres', url: scratch.url ?? '', maxConnections: 1 })
    try {
      const prepared = async () => {
        // postgres.js answers raw statements as an array of rows
        const rows = z.array(z.object({ n: z.string() })).parse(await database.db.execute(sql`select count(*)::text as n from pg_prepared_statements where statement like ${'%dialogo-probe%'}`))
        return Number(rows[0]?.n)
      }
      await database.db.execute(sql`select ${1}::int as one -- dialogo-probe top`)
      await database.db.transaction(async (tx) => {
        await tx.execute(sql`select ${2}::int as two -- dialogo-probe transaction`)
        await tx.transaction((savepoint) => savepoint.execute(sql`select ${3}::int as three -- dialogo-probe savepoint`))
      })
      // the three probes (the counting query's own text holds the word only as a parameter)
      expect(await prepared()).toBe(3)
    } finally {
      await database.close()
      await scratch.close()
    }
  })

  it('runs statements in transactions on PGlite, where nothing is prepared', async () => {
    const database = await openDatabase({ kind: 'pglite' })
    try {
      // PGlite answers raw statements as { rows }
      const result = z.object({ rows: z.array(z.object({ one: z.number() })) }).parse(await database.db.transaction((tx) => tx.execute(sql`select ${1}::int as one`)))
      expect(result.rows[0]?.one).toBe(1)
    } finally {
      await database.close()
    }
  })
})
