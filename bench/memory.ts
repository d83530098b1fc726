/**
 * Idle memory of the app, side by side in one run: on PostgreSQL (target < 150 MB RSS) and on
 * PGlite against PGlite's own floor, a bare process opening the same data directory (target
 * ≤ 1.2×). Each configuration runs as its own child process on 127.0.0.1, is left idle for
 * BENCH_SETTLE_MS after it serves, and is sampled from /proc (median of 5 samples); both the way
 * `npm start` runs it (built JavaScript, dist/main.js) and through tsx (`npm run dev`'s loader).
 *
 *   npm run bench:memory      # BENCH_DATABASE_URL, else a PostgreSQL of its own (Debian's binaries)
 */
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { startAppProcess } from '../test/support/app-process.js'
import { postgresBinaries, startTempPostgres, type TempPostgres } from '../test/support/temp-postgres.js'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 5000)
const MB = 1024 * 1024

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

async function sampleIdle(pid: number): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
  const samples: number[] = []
  for (let i = 0; i < 5; i++) {
    samples.push(rssOf(pid))
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  return samples.sort((a, b) => a - b)[2] ?? 0
}

async function appRss(entry: string, env: Record<string, string>): Promise<number> {
  const app = await startAppProcess({ entry, env, readyTimeoutMs: 180_000 })
  const rss = await sampleIdle(app.pid).catch(async (error: unknown) => {
    await app.stop('SIGKILL')
    throw error
  })
  const exit = await app.stop('SIGTERM')
  if (exit.code !== 0) throw new Error(`the app exited with ${exit.code ?? exit.signal}:\n${app.output().slice(-2000)}`)
  return rss
}

/** PGlite's floor: a bare Node process that opens the data directory and answers one query. */
async function pgliteFloor(dataDir: string): Promise<number> {
  const script = `
    const { PGlite } = await import('@electric-sql/pglite')
    const db = new PGlite(${JSON.stringify(dataDir)})
    await db.query('select 1')
    console.log('ready')
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

async function main() {
  console.log(`memory at idle (${SETTLE_MS} ms after serving), Node ${process.version}, ${process.platform}`)
  if (!existsSync(join(ROOT, 'dist/main.js'))) {
    console.log('building dist/ (npm run build) ...')
    execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' })
  }
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
    const rows: { what: string; rss: number; ratio?: string }[] = []
    // the first start creates the PostgreSQL schema and the PGlite data directory (initdb): not measured
    await appRss('dist/main.js', { DATABASE_URL: databaseUrl })
    await appRss('dist/main.js', { DATA_DIR: dataDir })

    const postgresBuilt = await appRss('dist/main.js', { DATABASE_URL: databaseUrl })
    const postgresTsx = await appRss('src/main.ts', { DATABASE_URL: databaseUrl })
    const floor = await pgliteFloor(dataDir)
    const pgliteBuilt = await appRss('dist/main.js', { DATA_DIR: dataDir })
    const pgliteTsx = await appRss('src/main.ts', { DATA_DIR: dataDir })
    rows.push({ what: 'PostgreSQL, node dist/main.js (npm start)', rss: postgresBuilt, ratio: `${(postgresBuilt / (150 * MB)).toFixed(2)}x of 150 MB` })
    rows.push({ what: 'PostgreSQL, tsx src/main.ts', rss: postgresTsx, ratio: `${(postgresTsx / (150 * MB)).toFixed(2)}x of 150 MB` })
    rows.push({ what: 'PGlite floor (bare process, same data directory)', rss: floor, ratio: '1.00x' })
    rows.push({ what: 'PGlite, node dist/main.js (npm start)', rss: pgliteBuilt, ratio: `${(pgliteBuilt / floor).toFixed(2)}x of the floor` })
    rows.push({ what: 'PGlite, tsx src/main.ts', rss: pgliteTsx, ratio: `${(pgliteTsx / floor).toFixed(2)}x of the floor` })
    console.log('')
    for (const row of rows) console.log(`${row.what.padEnd(52)} ${mb(row.rss).padStart(8)}   ${row.ratio ?? ''}`)
    console.log('')
    console.log(`targets: PostgreSQL < 150 MB (${postgresBuilt < 150 * MB ? 'met' : 'not met'}); PGlite ≤ 1.2x the floor (${pgliteBuilt <= 1.2 * floor ? 'met' : 'not met'})`)
  } finally {
    await dropDatabase()
    await server?.close()
    rmSync(folder, { recursive: true, force: true })
  }
}

await main()
