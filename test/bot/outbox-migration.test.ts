import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { DatabaseKind } from '../../src/db/client.js'
import { databaseKinds } from '../support/database.js'

const MIGRATION = '0014_outbox-kind-locale-held'
const journalSchema = z.object({ entries: z.array(z.object({ tag: z.string() }).loose()) }).loose()

/** The migrations folder as it was before this migration: the journal stops one short. */
function migrationsBefore(tag: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'dialogo-migrations-'))
  cpSync('migrations', folder, { recursive: true })
  const journalPath = join(folder, 'meta', '_journal.json')
  const journal = journalSchema.parse(JSON.parse(readFileSync(journalPath, 'utf8')))
  const at = journal.entries.findIndex((entry) => entry.tag === tag)
  writeFileSync(journalPath, JSON.stringify({ ...journal, entries: journal.entries.slice(0, at) }))
  return folder
}

type Row = { address: string; locale: string; kind: string; status: string }
/** An empty database of the kind, migrated step by step: run SQL, migrate from a folder, read rows. */
async function emptyDatabase(kind: DatabaseKind) {
  if (kind === 'pglite') {
    const client = new PGlite()
    const db = drizzlePglite(client)
    return {
      execute: (query: ReturnType<typeof sql>) => db.execute(query).then(() => undefined),
      migrate: (folder: string) => migratePglite(db, { migrationsFolder: folder }),
      rows: async (query: string) => (await client.query<Row>(query)).rows,
      close: () => client.close(),
    }
  }
  const adminUrl = process.env.TEST_DATABASE_URL ?? ''
  const name = `dialogo_migration_${randomBytes(6).toString('hex')}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`CREATE DATABASE ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const client = postgres(url.toString(), { max: 1, onnotice: () => {} })
  const db = drizzlePostgres(client)
  return {
    execute: (query: ReturnType<typeof sql>) => db.execute(query).then(() => undefined),
    migrate: (folder: string) => migratePostgres(db, { migrationsFolder: folder }),
    rows: async (query: string) => [...(await client.unsafe<Row[]>(query))].map((row) => ({ ...row })),
    close: async () => {
      await client.end()
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.end()
    },
  }
}

describe.each(databaseKinds)('the outbox kind, locale and held migration on %s', (kind) => {
  const folders: string[] = []
  afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })))

  it('gives existing rows their contact’s language (or Spanish), and a row waiting for the 24-hour window the held state', async () => {
    const before = migrationsBefore(MIGRATION)
    folders.push(before)
    const database = await emptyDatabase(kind)
    try {
      await database.migrate(before)
      await database.execute(sql`insert into contacts (id, channel, channel_user_id, locale) values ('00000000-0000-4000-8000-000000000001', 'telegram', 'chat-en', 'en')`)
      await database.execute(sql`insert into outbox (channel, address, contact_id, body, status, last_error) values
        ('telegram', 'chat-en', '00000000-0000-4000-8000-000000000001', '{"text":"hi"}', 'pending', null),
        ('whatsapp-cloud', '50255550000', null, '{"text":"hola"}', 'pending', 'outside 24h window, waiting for the citizen'),
        ('telegram', 'chat-x', null, null, 'sent', null)`)
      await database.migrate('migrations')
      expect(await database.rows('select address, locale, kind, status from outbox order by id')).toEqual([
        { address: 'chat-en', locale: 'en', kind: 'reply', status: 'pending' },
        { address: '50255550000', locale: 'es', kind: 'reply', status: 'held' },
        { address: 'chat-x', locale: 'es', kind: 'reply', status: 'sent' },
      ])
    } finally {
      await database.close()
    }
  })
})
