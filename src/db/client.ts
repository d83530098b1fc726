import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import type { ExtractTablesWithRelations, SQL } from 'drizzle-orm'
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js'
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator'
import postgres from 'postgres'
import { PreparedPGlite } from './pglite-prepared.js'
import { makePrivate, PRIVATE_DIR_MODE } from './private-files.js'
import * as schema from './schema/index.js'

export type Schema = typeof schema
/** The drizzle database, whichever driver is underneath. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>
/** Services take either: a test or a transaction passes its own. */
export type DbOrTx = Db | Tx

export type DatabaseKind = 'pglite' | 'postgres'

export type Database = {
  db: Db
  kind: DatabaseKind
  close: () => Promise<void>
  /**
   * PostgreSQL only: calls `onNotify` for every NOTIFY on `channel` (from any instance), on a
   * connection of its own that postgres.js opens again after a drop; resolves with the unlisten.
   * PGlite serves one process, where a signal in memory does the same.
   */
  listen?: (channel: string, onNotify: () => void) => Promise<() => Promise<void>>
}

export type OpenDatabaseOptions =
  | { kind: 'postgres'; url: string; maxConnections?: number }
  /** `dataDir` undefined keeps the database in memory (tests) */
  | { kind: 'pglite'; dataDir?: string }

const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url))

/**
 * The postgres.js client with drizzle's statements prepared. Drizzle asks postgres.js for unnamed
 * statements, and postgres.js then describes every statement that has parameters before running
 * it: two round trips each. Prepared, a statement is described once per connection and then costs
 * one. The per-connection cache is bounded in time: postgres.js replaces a connection after
 * `max_lifetime` (30 to 60 minutes). Transactions and savepoints hand out their own clients,
 * wrapped the same way.
 */
export function withPreparedStatements<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      if (property === 'unsafe') {
        return (query: string, params?: unknown[], queryOptions?: Record<string, unknown>) =>
          Reflect.apply(value, target, [query, params ?? [], { ...queryOptions, prepare: true }])
      }
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) =>
          Reflect.apply(value, target, args.map((arg) => (typeof arg === 'function' ? (inner: object) => Reflect.apply(arg, undefined, [withPreparedStatements(inner)]) : arg)))
      }
      return value
    },
  })
}

/** A statement written out with `$1 …` placeholders, run on the driver itself: its rows. */
export type DirectQuery = (text: string, params: readonly unknown[]) => Promise<readonly unknown[]>

type PostgresClient = { unsafe: (text: string, params: unknown[], options: { prepare: boolean }) => Promise<readonly unknown[]> }

/**
 * Runs a statement on the driver under `db`, skipping drizzle's building of the query: for the
 * few statements every message runs (the runtime's turn), where that building showed in the
 * profile. Parameters are handed over as drizzle hands them (postgres.js prepares the statement).
 */
export function directQuery(db: Db): DirectQuery {
  const client: unknown = (db as { $client?: unknown }).$client
  if (client instanceof PGlite) return async (text, params) => (await client.query(text, [...params])).rows
  if (client !== null && typeof client === 'function' && typeof (client as Partial<PostgresClient>).unsafe === 'function') {
    const postgresClient = client as unknown as PostgresClient
    return (text, params) => postgresClient.unsafe(text, [...params], { prepare: true })
  }
  throw new Error('directQuery: the database is neither PGlite nor postgres.js')
}

/**
 * Runs a statement written as SQL (drizzle's `sql` template) on `db` or a transaction and answers
 * its rows as the driver gives them: postgres.js answers an array, PGlite an object with `rows`.
 * Timestamps come back as the drivers give them (text under drizzle's postgres.js, Date on
 * PGlite), so a caller that reads one converts it itself.
 */
export async function rowsOf(db: DbOrTx, query: SQL): Promise<unknown[]> {
  const result: unknown = await db.execute(query)
  return Array.isArray(result) ? result : (result as { rows: unknown[] }).rows
}

/** 50 ms, 100 ms, 200 ms … at most a second between attempts to reach PostgreSQL again. */
export const reconnectBackoffSeconds = (retries: number) => Math.min(0.05 * 2 ** retries, 1)

/** Opens the database and applies any migration not yet applied. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.kind === 'postgres') {
    // Notices ("relation already exists, skipping") are noise in our logs.
    const client = postgres(options.url, {
      max: options.maxConnections ?? 10,
      onnotice: () => {},
      // After a restart of the server, connect again within a second: postgres.js's own backoff
      // grows with every failed attempt to 20 s, so a few seconds of outage under load kept the
      // app away from a database that was back long before.
      backoff: reconnectBackoffSeconds,
      // a server that does not answer fails the request in 10 s (the client retries), not 30
      connect_timeout: 10,
    })
    const db = drizzlePostgres(withPreparedStatements(client), { schema })
    await migratePostgres(db, { migrationsFolder })
    const listen = async (channel: string, onNotify: () => void) => {
      const subscription = await client.listen(channel, () => onNotify())
      return () => subscription.unlisten()
    }
    return { db: db as unknown as Db, kind: 'postgres', close: () => client.end({ timeout: 5 }), listen }
  }
  // PGlite does not create missing parent folders.
  if (options.dataDir !== undefined) mkdirSync(options.dataDir, { recursive: true, mode: PRIVATE_DIR_MODE })
  const client = options.dataDir === undefined ? new PreparedPGlite() : new PreparedPGlite(options.dataDir)
  const db = drizzlePglite(client, { schema })
  await migratePglite(db, { migrationsFolder })
  // PGlite creates its files 0666 (less the umask): a folder made before the process ran with
  // umask 077, or by an older version, is closed here; later files follow the umask.
  const { dataDir } = options
  if (dataDir === undefined) return { db: db as unknown as Db, kind: 'pglite', close: () => client.close() }
  makePrivate(dataDir)
  // PostgreSQL rewrites its relcache init files with their own mode while it runs: closed again at the end.
  const close = async () => {
    await client.close()
    makePrivate(dataDir)
  }
  return { db: db as unknown as Db, kind: 'pglite', close }
}
