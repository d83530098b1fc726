/**
 * Idle memory of the app, side by side in one run: on PostgreSQL (target < 150 MB RSS) and on
 * PGlite against PGlite's own floor, a bare process opening the same data directory (target
 * ≤ 1.2×). Each configuration runs as its own child process on 127.0.0.1 and is sampled from /proc
 * twice: BENCH_SETTLE_MS after it serves (early, start-up garbage still held) and
 * BENCH_SETTLED_MS after (settled: V8's memory reducer has usually run by then, in the floor as in
 * the app), each the median of 5 samples. One start moves by ±30 MB (when V8 collects, how the
 * allocator's per-thread arenas fragment), so the floor and the app are started BENCH_RUNS times in
 * turn and the medians compared; the ratio of each pair is printed too. `npm start`'s way (built
 * JavaScript, dist/main.js, built here into a dist-bench-memory-<pid>/ of its own so that another
 * `npm start` rebuilding dist/ cannot remove it mid-run) is measured; tsx (`npm run dev`'s loader)
 * with BENCH_TSX=1.
 *
 *   npm run bench:memory      # BENCH_DATABASE_URL, else a PostgreSQL of its own (Debian's binaries)
 */
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { startAppProcess } from '../test/support/app-process.js'
import { startFlags } from './start-command.js'
import { postgresBinaries, startTempPostgres, type TempPostgres } from '../test/support/temp-postgres.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 5000)
const SETTLED_MS = Math.max(SETTLE_MS, Number(process.env.BENCH_SETTLED_MS ?? 30_000))
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5))
const POSTGRES_RUNS = Math.max(1, Number(process.env.BENCH_POSTGRES_RUNS ?? 3))
const WITH_TSX = process.env.BENCH_TSX === '1'
const MB = 1024 * 1024
const DIST = `dist-bench-memory-${process.pid}`
const BUILT = `${DIST}/main.js`

/** Resident set of a process and its children (none today; an esbuild service would be one), bytes. */
function rssOf(pid: number): number {
  const own = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024
  let children = 0
  try {
    for (const line of execFileSync('ps', ['--ppid', String(pid), '-o', 'rss='], { encoding: 'utf8' }).split('\n')) children += Number(line.trim() || 0) * 1024
  } catch {
    // no children
  }
  return own + children
}

/** Resident set early and settled after serving, bytes. */
type Idle = { early: number; settled: number }

async function medianOfFive(pid: number): Promise<number> {
  const samples: number[] = []
  for (let i = 0; i < 5; i++) {
    samples.push(rssOf(pid))
    await sleep(200)
  }
  return samples.sort((a, b) => a - b)[2] ?? 0
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function sampleIdle(pid: number): Promise<Idle> {
  const began = Date.now()
  await sleep(SETTLE_MS)
  const early = await medianOfFive(pid)
  if (SETTLED_MS === SETTLE_MS) return { early, settled: early }
  await sleep(Math.max(0, SETTLED_MS - (Date.now() - began)))
  return { early, settled: await medianOfFive(pid) }
}

async function appRss(entry: string, env: Record<string, string>): Promise<Idle> {
  // the built app with the flags npm start gives it; tsx (npm run dev) without
  const app = await startAppProcess({ entry, env, readyTimeoutMs: 180_000, nodeFlags: entry.endsWith('.js') ? startFlags() : [] })
  const rss = await sampleIdle(app.pid).catch(async (error: unknown) => {
    await app.stop('SIGKILL')
    throw error
  })
  const exit = await app.stop('SIGTERM')
  if (exit.code !== 0) throw new Error(`the app exited with ${exit.code ?? exit.signal}:\n${app.output().slice(-2000)}`)
  return rss
}

/** PGlite's floor: a bare Node process that opens the data directory, answers one query and keeps it open. */
async function pgliteFloor(dataDir: string): Promise<Idle> {
  const script = `
    const { PGlite } = await import('@electric-sql/pglite')
    const db = new PGlite(${JSON.stringify(dataDir)})
    await db.query('select 1')
    console.log('ready')
    // held as the app holds its database: an unreachable PGlite is collected, memory and all (the
    // floor fell to 125-143 MB once V8's memory reducer ran)
    globalThis.floorDatabase = db
    setInterval(() => {}, 60_000)`
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the bare PGlite process did not open the data directory in 120 s')), 120_000)
      child.stdout.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('ready')) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
    return await sampleIdle(child.pid ?? 0)
  } finally {
    child.kill('SIGKILL')
  }
}

const mb = (bytes: number) => `${(bytes / MB).toFixed(0)} MB`
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}
const load = () => `load average ${loadavg().map((value) => value.toFixed(2)).join(' ')}`
const range = (values: readonly number[], show: (value: number) => string) => `${show(Math.min(...values))} to ${show(Math.max(...values))}`
const ratio = (value: number) => `${value.toFixed(2)}x`
const startCommand = () => ['node', ...startFlags(), 'dist/main.js'].join(' ')

/** One line of the summary: the median of the runs' figures, early and settled, and their spread. */
function summary(what: string, runs: readonly Idle[], against?: { base: number; name: string; settledBase: number }) {
  const early = median(runs.map((run) => run.early))
  const settled = median(runs.map((run) => run.settled))
  const of = (value: number, base: number) => (against ? `${ratio(value / base)} ${against.name}` : '')
  console.log(`${what.padEnd(46)} ${mb(early).padStart(7)} ${of(early, against?.base ?? 1).padEnd(16)} ${mb(settled).padStart(7)} ${of(settled, against?.settledBase ?? 1).padEnd(16)} (${runs.length} starts: ${range(runs.map((run) => run.early), mb)} / ${range(runs.map((run) => run.settled), mb)})`)
  return { early, settled }
}

async function main() {
  console.log(`memory at idle, ${SETTLE_MS} ms (early) and ${SETTLED_MS} ms (settled) after serving; Node ${process.version}, ${process.platform}; ${load()}`)
  execFileSync(process.execPath, ['scripts/build.mjs', DIST], { cwd: ROOT, stdio: 'inherit' })
  const folder = mkdtempSync(join(tmpdir(), 'dialogo-bench-memory-'))
  let server: TempPostgres | undefined
  let databaseUrl: string
  let dropDatabase = async () => {}
  const given = process.env.BENCH_DATABASE_URL
  try {
    if (given) {
      const name = `dialogo_bench_memory_${process.pid}`
      const admin = postgres(given, { max: 1, onnotice: () => {} })
      await admin.unsafe(`CREATE DATABASE ${name}`)
      await admin.end()
      const url = new URL(given)
      url.pathname = `/${name}`
      databaseUrl = url.toString()
      dropDatabase = async () => {
        const dropper = postgres(given, { max: 1, onnotice: () => {} })
        await dropper.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        await dropper.end()
      }
    } else {
      const bin = postgresBinaries()
      if (!bin) throw new Error('set BENCH_DATABASE_URL, or install postgresql (Debian binaries under /usr/lib/postgresql)')
      server = await startTempPostgres(bin)
      databaseUrl = await server.createDatabase('bench_memory')
    }
    const dataDir = join(folder, 'data')
    // the first start creates the PostgreSQL schema and the PGlite data directory (initdb): not measured
    await appRss(BUILT, { DATABASE_URL: databaseUrl })
    await appRss(BUILT, { DATA_DIR: dataDir })

    const postgresBuilt: Idle[] = []
    for (let run = 1; run <= POSTGRES_RUNS; run++) {
      const idle = await appRss(BUILT, { DATABASE_URL: databaseUrl })
      postgresBuilt.push(idle)
      console.log(`PostgreSQL start ${run}/${POSTGRES_RUNS}: ${mb(idle.early)} early, ${mb(idle.settled)} settled (${load()})`)
    }
    // The floor and the app take turns on the same data directory, so that a change of load or of
    // the machine's state falls on both alike; each pair's ratio is printed as well as the medians.
    const floor: Idle[] = []
    const pgliteBuilt: Idle[] = []
    for (let run = 1; run <= RUNS; run++) {
      const bare = await pgliteFloor(dataDir)
      const app = await appRss(BUILT, { DATA_DIR: dataDir })
      floor.push(bare)
      pgliteBuilt.push(app)
      console.log(
        `PGlite pair ${run}/${RUNS}: floor ${mb(bare.early)} / ${mb(bare.settled)}, app ${mb(app.early)} / ${mb(app.settled)}: ${ratio(app.early / bare.early)} early, ${ratio(app.settled / bare.settled)} settled (${load()})`,
      )
    }
    const postgresTsx = WITH_TSX ? [await appRss('src/main.ts', { DATABASE_URL: databaseUrl })] : []
    const pgliteTsx = WITH_TSX ? [await appRss('src/main.ts', { DATA_DIR: dataDir })] : []

    console.log('')
    console.log(`${'median of the starts'.padEnd(46)} ${'early'.padStart(7)} ${''.padEnd(16)} ${'settled'.padStart(7)}`)
    const limit = { base: 150 * MB, settledBase: 150 * MB, name: 'of 150 MB' }
    const pg = summary(`PostgreSQL, ${startCommand()} (npm start)`, postgresBuilt, limit)
    if (WITH_TSX) summary('PostgreSQL, tsx src/main.ts', postgresTsx, limit)
    const bare = summary('PGlite floor (bare process, same data dir)', floor)
    const base = { base: bare.early, settledBase: bare.settled, name: 'of the floor' }
    const app = summary(`PGlite, ${startCommand()} (npm start)`, pgliteBuilt, base)
    if (WITH_TSX) summary('PGlite, tsx src/main.ts', pgliteTsx, base)
    const pairs = (pick: (idle: Idle) => number) => pgliteBuilt.map((run, i) => pick(run) / pick(floor[i] ?? run))
    console.log(
      `PGlite app ÷ floor, pair by pair: early ${ratio(median(pairs((idle) => idle.early)))} (median; ${range(pairs((idle) => idle.early), ratio)}), settled ${ratio(median(pairs((idle) => idle.settled)))} (${range(pairs((idle) => idle.settled), ratio)})`,
    )
    console.log('')
    const met = (yes: boolean) => (yes ? 'met' : 'not met')
    console.log(
      `targets: PostgreSQL < 150 MB (${met(pg.early < 150 * MB)} early, ${met(pg.settled < 150 * MB)} settled); PGlite ≤ 1.2x the floor (${met(app.early <= 1.2 * bare.early)} early, ${met(app.settled <= 1.2 * bare.settled)} settled); ${load()}`,
    )
  } finally {
    await dropDatabase()
    await server?.close()
    rmSync(folder, { recursive: true, force: true })
    rmSync(join(ROOT, DIST), { recursive: true, force: true })
  }
}

await main()
