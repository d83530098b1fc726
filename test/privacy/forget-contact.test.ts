import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { caseEvents, cases, contacts, replyReplays } from '../../src/db/schema/index.js'
import { fileWebchatComplaint, testApp, webchatContactKey, webchatSecret } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const RowsSchema = z.union([z.object({ rows: z.array(z.record(z.string(), z.unknown())) }).transform((r) => r.rows), z.array(z.record(z.string(), z.unknown()))])

/** Every text, uuid or json column of every table, to search for a value anywhere in the database. */
async function columnsOf(database: Database): Promise<{ table: string; column: string }[]> {
  const result = await database.db.execute(sql`
    select table_name as "table", column_name as "column" from information_schema.columns
    where table_schema = 'public' and data_type in ('text', 'uuid', 'jsonb', 'character varying', 'ARRAY')`)
  return RowsSchema.parse(result).map((row) => ({ table: String(row['table']), column: String(row['column']) }))
}

/** The tables and columns where `value` appears. */
async function whereFound(database: Database, value: string): Promise<string[]> {
  const found: string[] = []
  for (const { table, column } of await columnsOf(database)) {
    const result = await database.db.execute(
      sql`select count(*)::int as n from ${sql.identifier(table)} where ${sql.identifier(column)}::text like ${`%${value}%`}`,
    )
    const [row] = RowsSchema.parse(result)
    if (Number(row?.['n']) > 0) found.push(`${table}.${column}`)
  }
  return found
}

describe.each(databaseKinds)('"borrar mis datos" on %s', (kind) => {
  let database: Database
  let composed: Composed

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
  })
  afterAll(async () => {
    await database.close()
  })

  const fileComplaint = (conversationId: string) =>
    fileWebchatComplaint(composed.app, conversationId, {
      description: 'No hay amoxicilina; llámeme al 5555-1234 si necesitan más datos.',
      identity: /confidencial/i,
    })

  it('"mis datos" lists the channel and the cases by code and status, never their text', async () => {
    const { chat, code } = await fileComplaint('conversation-summary')
    await chat.say('mis datos')
    expect(chat.text()).toContain(code)
    expect(chat.text()).toContain('webchat')
    expect(chat.text()).not.toContain('amoxicilina')
  })

  it('asks first, and deletes nothing on "no"', async () => {
    const { chat } = await fileComplaint('conversation-keep')
    await chat.say('borrar mis datos')
    expect(chat.choices()).toEqual(expect.arrayContaining([expect.stringMatching(/^s[ií]/i)]))
    await chat.say('no')
    expect(await database.db.select().from(contacts).where(eq(contacts.channelUserId, await webchatContactKey(database, 'conversation-keep')))).toHaveLength(1)
  })

  it('leaves no row holding the contact id or chat id, and keeps the case unlinked and anonymised', async () => {
    const conversationId = 'conversation-forget-me'
    const { chat, code } = await fileComplaint(conversationId)
    const contactKey = await webchatContactKey(database, conversationId)
    const [contact] = await database.db.select().from(contacts).where(eq(contacts.channelUserId, contactKey))
    if (!contact) throw new Error('contact not stored')
    expect(await whereFound(database, contact.id)).not.toEqual([])

    await chat.say('borrar mis datos')
    const replaysBefore = (await database.db.select().from(replyReplays)).length
    await chat.say('sí')
    expect(chat.text()).toMatch(/borramos sus datos/i)
    // the answer that forgot the contact is not kept for a replay either
    expect(await database.db.select().from(replyReplays)).toHaveLength(replaysBefore)

    expect(await whereFound(database, contact.id)).toEqual([])
    expect(await whereFound(database, webchatSecret(conversationId))).toEqual([])
    expect(await whereFound(database, contactKey)).toEqual([])
    const [kase] = await database.db.select().from(cases).where(eq(cases.code, code))
    expect(kase).toMatchObject({ contactId: null, followUps: false, identityMode: 'anonymous' })
    expect(kase?.description).not.toContain('5555-1234')
    const events = await database.db.select().from(caseEvents).where(eq(caseEvents.caseId, kase?.id ?? ''))
    expect(events.filter((event) => event.type === 'contact.forgotten')).toMatchObject([{ actor: 'system', public: false }])
  })

  it('starts afresh when the forgotten citizen writes again', async () => {
    const { chat } = await fileComplaint('conversation-again')
    await chat.say('borrar mis datos')
    await chat.say('sí')
    await chat.say('hola')
    expect(chat.text()).toMatch(/Hola/)
    const [contact] = await database.db.select().from(contacts).where(eq(contacts.channelUserId, await webchatContactKey(database, 'conversation-again')))
    expect(await database.db.select().from(cases).where(eq(cases.contactId, contact?.id ?? ''))).toEqual([])
  })
})
