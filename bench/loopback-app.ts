/**
 * What the end-to-end benchmarks share: a throw-away PostgreSQL database, the composed app served
 * over real HTTP on 127.0.0.1, and percentiles.
 */
import { randomBytes } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import { type ServerType, serve } from '@hono/node-server'
import type { Hono } from 'hono'
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

export type Served = { url: string; close: () => Promise<void> }

/** Serves the app with @hono/node-server on 127.0.0.1 and a free port, as main.ts serves it. */
export async function serveOnLoopback(app: Hono): Promise<Served> {
  const server = await new Promise<ServerType>((resolve) => {
    const started: ServerType = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        if ('closeAllConnections' in server) server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** The value below which `share` of the samples fall (nearest rank). */
export function percentile(samples: number[], share: number): number {
  if (samples.length === 0) return NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1))] ?? NaN
}

export const ms = (value: number) => `${value.toFixed(1)} ms`
