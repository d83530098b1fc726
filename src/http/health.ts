import { sql } from 'drizzle-orm'
import { Hono } from 'hono'
import type { ChannelStates } from '../bot/channel-states.js'
import type { Database } from '../db/client.js'

export type HealthOptions = {
  database: Database
  /** each channel's state; left out, only the database is reported */
  channels?: ChannelStates
  /** how long the database may take to answer `select 1` before it counts as unreachable */
  timeoutMs?: number
}

export type HealthStatus = 'ok' | 'degraded' | 'unavailable'

/**
 * `GET /health`: 503 `unavailable` when the database does not answer a `select 1` within the
 * timeout (nothing can be taken in then: a load balancer should send citizens elsewhere); 200
 * `degraded` when only a channel is down (the web chat, the API and the other channels work, so
 * the instance stays in rotation); 200 `ok` otherwise. Channel faults are named by class only.
 *
 * @example
 * { "status": "degraded", "database": { "kind": "postgres", "state": "ok" },
 *   "channels": { "webchat": { "state": "ok" }, "telegram": { "state": "degraded", "reason": "timeout", "attempts": 3 } } }
 */
export function createHealthRoutes(options: HealthOptions): Hono {
  const probe = singleFlight(() => reachable(options.database, options.timeoutMs ?? 2000))
  return new Hono().get('/health', async (c) => {
    const databaseOk = await probe()
    const channels = options.channels?.snapshot() ?? {}
    const channelsOk = Object.values(channels).every((channel) => channel.state === 'ok')
    const status: HealthStatus = !databaseOk ? 'unavailable' : channelsOk ? 'ok' : 'degraded'
    c.header('cache-control', 'no-store')
    return c.json(
      { status, database: { kind: options.database.kind, state: databaseOk ? 'ok' : 'unreachable' }, channels },
      databaseOk ? 200 : 503,
    )
  })
}

/** True when the database answers `select 1` in time; a probe never throws. */
async function reachable(database: Database, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs)
  })
  const answered = database.db.execute(sql`select 1`).then(
    () => true,
    () => false,
  )
  try {
    return await Promise.race([answered, late])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Health checks every second from a load balancer must not pile up queries on a database that
 * hangs: callers while a probe is under way share its answer.
 */
function singleFlight<T>(run: () => Promise<T>): () => Promise<T> {
  let current: Promise<T> | undefined
  return () => {
    current ??= run().finally(() => {
      current = undefined
    })
    return current
  }
}
