/**
 * What the end-to-end benchmarks share: a throw-away PostgreSQL database, the composed app served
 * over real HTTP on 127.0.0.1, and percentiles.
 */
import { randomBytes } from 'node:crypto'
import postgres from 'postgres'

export const DEFAULT_ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

/** The server to create throw-away databases on. */
export function adminUrl(): string {
  return process.env.BENCH_DATABASE_URL ?? DEFAULT_ADMIN_URL
}

export type ScratchDatabase = { name: string; url: string; drop: () => Promise<void> }

/** Creates an empty database named `dialogo_bench_<what>_<random>`; `drop` removes it, connections and all. */
export async function createScratchDatabase(what: string): Promise<ScratchDatabase> {
  const admin = adminUrl()
  const name = `dialogo_bench_${what}_${randomBytes(4).toString('hex')}`
  const sql = postgres(admin, { max: 1, onnotice: () => {} })
  await sql.unsafe(`CREATE DATABASE ${name}`)
  await sql.end()
  const url = new URL(admin)
  url.pathname = `/${name}`
  return {
    name,
    url: url.toString(),
    drop: async () => {
      const dropper = postgres(admin, { max: 1, onnotice: () => {} })
      await dropper.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await dropper.end()
    },
  }
}

export { type Served, serveOnLoopback } from '../test/support/serve-app.js'

export { percentile } from './timing.js'

export const ms = (value: number) => `${value.toFixed(1)} ms`
