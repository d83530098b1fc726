import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { Database } from '../../../src/db/client.js'

const RowsSchema = z.union([
  z.object({ rows: z.array(z.record(z.string(), z.unknown())) }).transform((r) => r.rows),
  z.array(z.record(z.string(), z.unknown())),
])

/** Every column of every table that can hold text (bytea read as text too), to search anywhere. */
async function columnsOf(database: Database): Promise<{ table: string; column: string; type: string }[]> {
  const result = await database.db.execute(sql`
    select table_name as "table", column_name as "column", data_type as "type" from information_schema.columns
    where table_schema = 'public' and data_type in ('text', 'uuid', 'jsonb', 'character varying', 'ARRAY', 'bytea')`)
  return RowsSchema.parse(result).map((row) => ({ table: String(row['table']), column: String(row['column']), type: String(row['type']) }))
}

/** The `table.column`s where `value` appears, in any row; bytea is searched as UTF-8 bytes. */
export async function whereFound(database: Database, value: string): Promise<string[]> {
  const found: string[] = []
  for (const { table, column, type } of await columnsOf(database)) {
    const condition =
      type === 'bytea'
        ? sql`position(convert_to(${value}, 'UTF8') in ${sql.identifier(column)}) > 0`
        : sql`${sql.identifier(column)}::text like ${`%${value}%`}`
    const result = await database.db.execute(sql`select count(*)::int as n from ${sql.identifier(table)} where ${condition}`)
    const [row] = RowsSchema.parse(result)
    if (Number(row?.['n']) > 0) found.push(`${table}.${column}`)
  }
  return found
}

/** Every row of every public table, as JSON text, for searching what lies next to what. */
export async function everyRow(database: Database): Promise<{ table: string; row: string }[]> {
  const tables = RowsSchema.parse(
    await database.db.execute(sql`select table_name as "table" from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`),
  ).map((row) => String(row['table']))
  const out: { table: string; row: string }[] = []
  for (const table of tables) {
    const rows = RowsSchema.parse(await database.db.execute(sql`select to_jsonb(t)::text as row from ${sql.identifier(table)} t`))
    for (const row of rows) out.push({ table, row: String(row['row']) })
  }
  return out
}
