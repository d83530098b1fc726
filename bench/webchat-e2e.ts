/**
 * End to end through the real HTTP web chat (issue 18): BENCH_CITIZENS simulated citizens (64) at
 * once, each filing BENCH_ROUNDS complaints (3) in fresh conversations the way the page does, against
 * the app composed in-process and served by @hono/node-server on 127.0.0.1.
 *  1. baseline: pgbench tpcb-like (8 clients, BENCH_PGBENCH_SECONDS = 30 s, scale
 *     BENCH_PGBENCH_SCALE = 8) on a throw-away database of the same server;
 *  2. the web chat on a fresh PostgreSQL database: messages/s, p50/p99 per message, the ratio
 *     messages/s ÷ pgbench TPS (target ≥ 0.5, p99 < 50 ms), and the statements, transactions and
 *     round trips the app sent per inbound message (counted on the postgres.js client);
 *  3. the same on PGlite in a temporary folder (target ≥ 0.25 × the same pgbench figure).
 *
 * Every citizen posts from its own loopback address (127.0.0.2 …) so the per-address limit of the
 * web chat (240 messages a minute) sees 64 clients, as it would on the internet; keep BENCH_ROUNDS
 * at 18 or less for that reason. Only the request path runs: the outbox worker and the scheduler
 * are not started (web chat replies are answered inline and never queued).
 *
 *   npm run bench:e2e     # BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres
 */
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { drizzle } from 'drizzle-orm/postgres-js'
import postgres from 'postgres'
import { compose } from '../src/compose.js'
import { type Database, type Db, openDatabase, withPreparedStatements } from '../src/db/client.js'
import * as schema from '../src/db/schema/index.js'
import { createLogger } from '../src/log.js'
import { createScratchDatabase, ms, percentile, serveOnLoopback } from './loopback-app.js'
import { agent, citizen, citizenAddress, newTiming } from './webchat-citizens.js'

const CITIZENS = Number(process.env.BENCH_CITIZENS ?? 64)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const PGBENCH_SECONDS = Number(process.env.BENCH_PGBENCH_SECONDS ?? 30)
const PGBENCH_SCALE = Number(process.env.BENCH_PGBENCH_SCALE ?? 8)
const PGBENCH_CLIENTS = 8
/** which runs to make: `postgres`, `pglite` or both (the default), comma-separated */
const DATABASES = new Set((process.env.BENCH_DATABASES ?? 'postgres,pglite').split(',').map((name) => name.trim()))
/** main.ts opens PostgreSQL with openDatabase's default pool */
const POOL = 10
const WARM_UP_CITIZENS = 8

const run = promisify(execFile)

/** pgbench's tpcb-like script on its own database, created and dropped here; its TPS. */
async function pgbenchTps(): Promise<number> {
  const scratch = await createScratchDatabase('pgbench')
  try {
    await run('pgbench', ['-i', '-q', '-s', String(PGBENCH_SCALE), scratch.url])
    const { stdout } = await run('pgbench', ['-c', String(PGBENCH_CLIENTS), '-j', '2', '-T', String(PGBENCH_SECONDS), scratch.url])
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1]
    if (tps === undefined) throw new Error(`no TPS in pgbench's output:\n${stdout}`)
    return Number(tps)
  } finally {
    await scratch.drop()
  }
}

type Counter = { statements: number; described: number; transactions: number; savepoints: number }

/**
 * The postgres.js client with every statement drizzle sends counted: `unsafe` is one statement,
 * and an unprepared one with parameters one more round trip (postgres.js describes it first);
 * `begin` and `savepoint` open a transaction or savepoint (two more round trips: its start and
 * its end). The transaction's own client is counted the same way.
 */
function counted<T extends object>(client: T, counter: Counter): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      if (property === 'unsafe') {
        return (...args: unknown[]) => {
          counter.statements++
          const [, params, options] = args
          const prepared = typeof options === 'object' && options !== null && 'prepare' in options && options.prepare === true
          if (!prepared && Array.isArray(params) && params.length > 0) counter.described++
          return Reflect.apply(value, target, args)
        }
      }
      if (property === 'begin' || property === 'savepoint') {
        return (...args: unknown[]) => {
          if (property === 'begin') counter.transactions++
          else counter.savepoints++
          const wrapped = args.map((arg) => (typeof arg === 'function' ? (inner: object) => Reflect.apply(arg, undefined, [counted(inner, counter)]) : arg))
          return Reflect.apply(value, target, wrapped)
        }
      }
      return value
    },
  })
}

/** Migrated by openDatabase, then reopened as openDatabase opens it but on a counting client. */
async function countedPostgres(url: string, counter: Counter): Promise<Database> {
  await (await openDatabase({ kind: 'postgres', url })).close()
  const client = postgres(url, { max: POOL, onnotice: () => {} })
  // BENCH_PREPARE=0: the statements unprepared, as drizzle sends them by itself (to compare)
  const db = drizzle(process.env.BENCH_PREPARE === '0' ? counted(client, counter) : withPreparedStatements(counted(client, counter)), { schema })
  return { db: db as unknown as Db, kind: 'postgres', close: () => client.end({ timeout: 5 }) }
}

type WebchatRun = { messages: number; seconds: number; cpuMs: number; p50: number; p99: number; max: number; failures: string[] }

/** Composes the app on `database`, warms it up, then lets the citizens loose. */
async function webchatRun(database: Database, counter?: Counter): Promise<WebchatRun> {
  const composed = await compose({
    database,
    config: { SEED_FILE: './seed/directory.json', SESSION_TTL_MINUTES: 60, DEFAULT_LOCALE: 'es', OUTBOX_POLL_MS: 1000, RETENTION_DAYS: 180 },
    logger: createLogger('silent'),
  })
  const served = await serveOnLoopback(composed.app)
  try {
    // the first requests compile and cache: not timed, from addresses the timed run does not use
    const warmUp = newTiming()
    await Promise.all(Array.from({ length: WARM_UP_CITIZENS }, (_, i) => citizen({ targets: [served.url], localAddress: citizenAddress(i, 1), rounds: 1 }, warmUp)))
    if (warmUp.failures.length > 0) throw new Error(`the warm-up failed: ${warmUp.failures[0]}`)
    if (counter) Object.assign(counter, { statements: 0, described: 0, transactions: 0, savepoints: 0 })
    const timing = newTiming()
    const start = performance.now()
    const cpuBefore = process.cpuUsage()
    await Promise.all(Array.from({ length: CITIZENS }, (_, i) => citizen({ targets: [served.url], localAddress: citizenAddress(i), rounds: ROUNDS }, timing)))
    const seconds = (performance.now() - start) / 1000
    const cpu = process.cpuUsage(cpuBefore)
    return {
      messages: timing.latencies.length,
      seconds,
      cpuMs: (cpu.user + cpu.system) / 1000,
      p50: percentile(timing.latencies, 0.5),
      p99: percentile(timing.latencies, 0.99),
      max: percentile(timing.latencies, 1),
      failures: timing.failures,
    }
  } finally {
    await served.close()
  }
}

function report(label: string, result: WebchatRun, tps: number, target: number) {
  const rate = result.messages / result.seconds
  console.log(
    `${label}: ${result.messages.toLocaleString('en')} messages in ${result.seconds.toFixed(1)} s = ${rate.toFixed(0)} messages/s; ` +
      `p50 ${ms(result.p50)}, p99 ${ms(result.p99)}, max ${ms(result.max)}; ${result.failures.length} complaints failed`,
  )
  if (result.failures.length > 0) console.log(`  first failure: ${result.failures[0]}`)
  // steadier than the rate on a shared machine: what one message costs this process, whoever else runs
  console.log(`  CPU of this process (the app and the simulated citizens): ${((result.cpuMs * 1000) / result.messages).toFixed(0)} µs per message`)
  console.log(`  ratio messages/s ÷ pgbench TPS: ${(rate / tps).toFixed(3)} (target ≥ ${target}${label.startsWith('PostgreSQL') ? ', p99 < 50 ms' : ''})`)
}

async function main() {
  console.log(`load average at start: ${loadavg().map((load) => load.toFixed(2)).join(' ')}`)
  console.log(`${CITIZENS} citizens × ${ROUNDS} complaints, pool of ${POOL} connections on PostgreSQL`)
  console.log(`pgbench tpcb-like, ${PGBENCH_CLIENTS} clients, scale ${PGBENCH_SCALE}, ${PGBENCH_SECONDS} s …`)
  const tps = await pgbenchTps()
  console.log(`pgbench: ${tps.toFixed(0)} TPS`)

  if (DATABASES.has('postgres')) await postgresRun(tps)
  if (DATABASES.has('pglite')) await pgliteRun(tps)
  agent.destroy()
}

async function postgresRun(tps: number) {
  const scratch = await createScratchDatabase('e2e')
  try {
    const counter: Counter = { statements: 0, described: 0, transactions: 0, savepoints: 0 }
    const database = await countedPostgres(scratch.url, counter)
    try {
      const result = await webchatRun(database, counter)
      report('PostgreSQL', result, tps, 0.5)
      const perMessage = (n: number) => (n / result.messages).toFixed(2)
      const roundTrips = counter.statements + counter.described + 2 * (counter.transactions + counter.savepoints)
      console.log(
        `  per inbound message: ${perMessage(roundTrips)} round trips = ${perMessage(counter.statements)} statements + ` +
          `${perMessage(counter.described)} descriptions (an unprepared statement with parameters) + ` +
          `${perMessage(counter.transactions)} transactions (BEGIN, COMMIT) + ${perMessage(counter.savepoints)} savepoints (SAVEPOINT, RELEASE)`,
      )
    } finally {
      await database.close()
    }
  } finally {
    await scratch.drop()
  }
}

async function pgliteRun(tps: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dialogo-bench-e2e-'))
  try {
    const database = await openDatabase({ kind: 'pglite', dataDir })
    try {
      report('PGlite', await webchatRun(database), tps, 0.25)
    } finally {
      await database.close()
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
