import { PGlite, types } from '@electric-sql/pglite'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PreparedPGlite } from '../../src/db/pglite-prepared.js'

// Every statement of the app on PGlite runs through PreparedPGlite (drizzle, the migrations and
// directQuery call its query), so the whole suite on PGlite exercises it; these tests pin what it
// must keep of PGlite's own query: the same rows, counts and errors, the locks, and a bound.

const TABLE = `create table items (
  id serial primary key,
  name text not null unique,
  at timestamptz not null,
  facts jsonb,
  data bytea,
  tags text[],
  amount numeric
)`

let prepared: PreparedPGlite
let plain: PGlite

beforeEach(async () => {
  prepared = new PreparedPGlite()
  plain = new PGlite()
  for (const client of [prepared, plain]) await client.exec(TABLE)
})

afterEach(async () => {
  await prepared.close()
  await plain.close()
})

const preparedCount = async (client: PGlite) => Number((await client.query<{ n: number }>('select count(*)::int as n from pg_prepared_statements')).rows[0]?.n)

describe('PreparedPGlite', () => {
  it('answers the same rows, fields and counts as PGlite’s own query, for every kind of value', async () => {
    const insert = 'insert into items (name, at, facts, data, tags, amount) values ($1, $2, $3, $4, $5, $6), ($7, $8, $9, $10, $11, $12) returning *'
    const params = ['a', new Date('2026-01-02T03:04:05.678Z'), { x: [1, 'two'] }, new Uint8Array([0, 1, 255]), ['p', 'q'], '12.50', 'b', '2026-02-03T04:05:06Z', null, null, null, null]
    const read = 'select id, name, at, facts, data, tags, amount from items where name = any($1) order by id'
    for (let round = 0; round < 7; round++) {
      // past five runs PostgreSQL may switch a prepared statement to its generic plan
      const [mine, theirs] = await Promise.all([prepared, plain].map((client) => client.query(insert.replace('returning *', round === 0 ? 'returning *' : 'on conflict (name) do nothing returning *'), params)))
      expect(mine).toEqual(theirs)
      const [mineRead, theirsRead] = await Promise.all([prepared, plain].map((client) => client.query(read, [['a', 'b']])))
      expect(mineRead).toEqual(theirsRead)
      expect(mineRead?.rows).toHaveLength(2)
    }
    const update = 'update items set amount = amount + $1 where name = any($2)'
    const [updated, updatedPlain] = await Promise.all([prepared, plain].map((client) => client.query(update, [1, ['a', 'b']])))
    expect(updated?.affectedRows).toBe(2)
    expect(updated).toEqual(updatedPlain)
  })

  it('keeps drizzle’s options: rows as arrays, and its parsers leaving timestamps as text', async () => {
    await prepared.query('insert into items (name, at) values ($1, $2)', ['a', '2026-01-02T03:04:05Z'])
    const asText = { [types.TIMESTAMPTZ]: (value: string) => value }
    const result = await prepared.query('select name, at from items', [], { rowMode: 'array', parsers: asText })
    expect(result.rows).toEqual([['a', '2026-01-02 03:04:05+00']])
    expect(result.fields.map((field) => field.name)).toEqual(['name', 'at'])
  })

  it('parses and describes a text once and then runs it under its name', async () => {
    const before = prepared.preparedTexts.length
    for (let i = 0; i < 5; i++) expect((await prepared.query('select $1::int + 1 as n', [i])).rows).toEqual([{ n: i + 1 }])
    expect(prepared.preparedTexts.filter((text) => text === 'select $1::int + 1 as n')).toHaveLength(1)
    // PGlite's start-up read of its array types was prepared too; the counting itself is one more
    expect(await preparedCount(prepared)).toBe(before + 2)
  })

  it('closes the least recently used statement when it keeps as many as it may', async () => {
    prepared.maxStatements = 3
    for (let i = 0; i < 10; i++) await prepared.query(`select ${i} as n`)
    expect(prepared.preparedTexts).toEqual(['select 7 as n', 'select 8 as n', 'select 9 as n'])
    // counting prepares one more and closes the oldest: still three on the server
    expect(await preparedCount(prepared)).toBe(3)
  })

  it('fails a statement as PGlite does (code and constraint), and the next statement runs', async () => {
    const insert = 'insert into items (name, at) values ($1, now())'
    await prepared.query(insert, ['a'])
    const failure: unknown = await prepared.query(insert, ['a']).catch((error: unknown) => error)
    const plainFailure: unknown = await plain.query(insert, ['a']).then(() => plain.query(insert, ['a'])).catch((error: unknown) => error)
    expect(failure).toMatchObject({ code: '23505', constraint: 'items_name_key' })
    expect(plainFailure).toMatchObject({ code: '23505', constraint: 'items_name_key' })
    expect((await prepared.query(insert, ['b'])).affectedRows).toBe(1)
    await expect(prepared.query('select nope from items')).rejects.toMatchObject({ code: '42703' })
    expect(prepared.preparedTexts).not.toContain('select nope from items')
  })

  it('undoes a transaction that failed, statements prepared in it staying usable', async () => {
    const insert = 'insert into items (name, at) values ($1, now())'
    await expect(
      prepared.transaction(async (tx) => {
        await tx.query(insert, ['in-tx'])
        await tx.query(insert, ['in-tx'])
      }),
    ).rejects.toMatchObject({ code: '23505' })
    expect((await prepared.query('select count(*)::int as n from items')).rows).toEqual([{ n: 0 }])
    expect((await prepared.query(insert, ['after'])).affectedRows).toBe(1)
  })

  it('runs a statement from outside an open transaction only after that transaction ends', async () => {
    const order: string[] = []
    let release = () => {}
    const held = new Promise<void>((resolve) => {
      release = resolve
    })
    const transaction = prepared.transaction(async (tx) => {
      await tx.query('insert into items (name, at) values ($1, now())', ['inside'])
      order.push('inside written')
      await held
      await tx.rollback()
    })
    // give the transaction its first statement
    await new Promise((resolve) => setTimeout(resolve, 20))
    const outside = prepared.query<{ n: number }>('select count(*)::int as n from items').then((result) => {
      order.push('outside read')
      return result.rows[0]?.n
    })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(order).toEqual(['inside written'])
    release()
    await transaction
    // the read saw nothing of the rolled back row: it ran after the rollback, not inside the transaction
    expect(await outside).toBe(0)
    expect(order).toEqual(['inside written', 'outside read'])
  })

  it('refuses a statement on a transaction already closed', async () => {
    let kept: { query: (text: string) => Promise<unknown> } | undefined
    await prepared.transaction(async (tx) => {
      kept = tx
    })
    await expect(kept?.query('select 1')).rejects.toThrow('Transaction is closed')
  })

  it('prepares a statement afresh when a table changed under it so that its columns differ', async () => {
    await prepared.query('insert into items (name, at) values ($1, now())', ['a'])
    const read = 'select * from items'
    expect(Object.keys((await prepared.query<Record<string, unknown>>(read)).rows[0] ?? {})).not.toContain('note')
    await prepared.exec('alter table items add column note text')
    // PostgreSQL refuses to run the old plan once; the statement is then prepared again
    const first = await prepared.query<Record<string, unknown>>(read).catch((error: unknown) => error)
    const columns = first instanceof Error ? Object.keys((await prepared.query<Record<string, unknown>>(read)).rows[0] ?? {}) : Object.keys((first as { rows: Record<string, unknown>[] }).rows[0] ?? {})
    expect(columns).toContain('note')
  })
})
