import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import { sql } from 'drizzle-orm'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'

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

describe('the outbox kind, locale and held migration', () => {
  const folders: string[] = []
  afterAll(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })))

  it('gives existing rows their contact’s language (or Spanish), and a row waiting for the 24-hour window the held state', async () => {
    const before = migrationsBefore(MIGRATION)
    folders.push(before)
    const client = new PGlite()
    const db = drizzle(client)
    await migrate(db, { migrationsFolder: before })
    await db.execute(sql`insert into contacts (id, channel, channel_user_id, locale) values ('00000000-0000-4000-8000-000000000001', 'telegram', 'chat-en', 'en')`)
    await db.execute(sql`insert into outbox (channel, address, contact_id, body, status, last_error) values
      ('telegram', 'chat-en', '00000000-0000-4000-8000-000000000001', '{"text":"hi"}', 'pending', null),
      ('whatsapp-cloud', '50255550000', null, '{"text":"hola"}', 'pending', 'outside 24h window, waiting for the citizen'),
      ('telegram', 'chat-x', null, null, 'sent', null)`)
    await migrate(db, { migrationsFolder: 'migrations' })
    const rows = await client.query<{ address: string; locale: string; kind: string; status: string }>(
      'select address, locale, kind, status from outbox order by id',
    )
    expect(rows.rows).toEqual([
      { address: 'chat-en', locale: 'en', kind: 'reply', status: 'pending' },
      { address: '50255550000', locale: 'es', kind: 'reply', status: 'held' },
      { address: 'chat-x', locale: 'es', kind: 'reply', status: 'sent' },
    ])
    await client.close()
  })
})
