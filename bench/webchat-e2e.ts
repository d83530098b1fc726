/**
 * End to end through the real HTTP web chat (issue 18), the app run as production runs it: built
 * with scripts/build.mjs and started as `node dist/main.js` (what `npm start` does) in a child
 * process on 127.0.0.1, and BENCH_CITIZENS simulated citizens (64) in this process, each filing
 * BENCH_ROUNDS complaints (3) in fresh conversations the way the page does.
 *  1. baseline: pgbench tpcb-like (8 clients, BENCH_PGBENCH_SECONDS = 30 s, scale
 *     BENCH_PGBENCH_SCALE = 8) on a throw-away database of the same server;
 *  2. the app on a fresh PostgreSQL database (DATABASE_URL), created and dropped here:
 *     messages/s, p50/p99 per message, the ratio messages/s ÷ pgbench TPS (target ≥ 0.5, p99 <
 *     50 ms), the CPU the app process and this process spent per message, and the transactions
 *     the database committed per message (pg_stat_database, read after the app has exited);
 *  3. the same on PGlite: the app with DATA_DIR in a temporary folder (target ≥ 0.25 × the same
 *     pgbench figure).
 *
 * Every citizen posts from its own loopback address (127.0.0.2 …) so the per-address limit of the
 * web chat (240 messages a minute) sees 64 clients, as it would on the internet; keep BENCH_ROUNDS
 * at 18 or less for that reason. The app is started as main.ts starts it, outbox worker and
 * scheduler included, with no channel configured but the web chat.
 *
 *   npm run bench:e2e     # BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres
 *   BENCH_CPU_PROF=/tmp/prof npm run bench:e2e    # the app run with --cpu-prof; top self times printed
 *   BENCH_SOCKET_DIR=/var/run/postgresql npm run bench:e2e   # also the app on PostgreSQL's Unix socket
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import postgres from 'postgres'
import { z } from 'zod'
import { createScratchDatabase, ms, percentile } from './loopback-app.js'
import { agent, citizen, citizenAddress, newTiming } from './webchat-citizens.js'

const CITIZENS = Number(process.env.BENCH_CITIZENS ?? 64)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const PGBENCH_SECONDS = Number(process.env.BENCH_PGBENCH_SECONDS ?? 30)
const PGBENCH_SCALE = Number(process.env.BENCH_PGBENCH_SCALE ?? 8)
const PGBENCH_CLIENTS = 8
/** which runs to make: `postgres`, `pglite` or both (the default), comma-separated */
const DATABASES = new Set((process.env.BENCH_DATABASES ?? 'postgres,pglite').split(',').map((name) => name.trim()))
/** a folder: the app child runs with --cpu-prof and its profiles are written there */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF
/** a folder holding PostgreSQL's Unix socket: the PostgreSQL run is repeated with the app connected through it */
const SOCKET_DIR = process.env.BENCH_SOCKET_DIR
const WARM_UP_CITIZENS = 8
const ROOT = fileURLToPath(new URL('..', import.meta.url))
/** Linux counts a process's CPU time in /proc/<pid>/stat in ticks of 1/100 s */
const CLOCK_TICKS = 100

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

type AppProcess = { url: string; child: ChildProcess; cpuMs: () => number; stop: () => Promise<void> }

/**
 * `node dist/main.js` with `env` added to a bare environment (no token of any channel), on
 * 127.0.0.1 at a free port; resolves once it prints where it serves.
 */
function startApp(env: Record<string, string>, label: string): Promise<AppProcess> {
  const profile = CPU_PROF_DIR ? ['--cpu-prof', `--cpu-prof-dir=${join(CPU_PROF_DIR, label)}`] : []
  const child = spawn(process.execPath, [...profile, 'dist/main.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const pid = child.pid
  if (pid === undefined) throw new Error('the app did not start')
  const cpuMs = () => {
    // fields after the command's closing parenthesis: state is the 3rd, utime the 14th, stime the 15th
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
  }
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve()
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      child.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      child.kill('SIGTERM')
    })
  return new Promise((resolve, reject) => {
    let printed = ''
    let serving = false
    const failed = (code: number | null) => reject(new Error(`the app exited with ${code} before serving:\n${printed}`))
    child.once('exit', failed)
    child.stdout?.on('data', (chunk: Buffer) => {
      if (serving) return // only its start matters; the rest is read and dropped
      printed += chunk.toString('utf8')
      const port = /Web chat: +http:\/\/localhost:(\d+)\//.exec(printed)?.[1]
      if (port === undefined) return
      child.off('exit', failed)
      serving = true
      resolve({ url: `http://127.0.0.1:${port}`, child, cpuMs, stop })
    })
  })
}

type WebchatRun = { messages: number; seconds: number; appCpuMs: number; benchCpuMs: number; p50: number; p99: number; max: number; failures: string[] }

/** Warms the app up, then lets the citizens loose. */
async function webchatRun(app: AppProcess): Promise<WebchatRun> {
  // the first requests compile and cache: not timed, from addresses the timed run does not use
  const warmUp = newTiming()
  await Promise.all(Array.from({ length: WARM_UP_CITIZENS }, (_, i) => citizen({ targets: [app.url], localAddress: citizenAddress(i, 1), rounds: 1 }, warmUp)))
  if (warmUp.failures.length > 0) throw new Error(`the warm-up failed: ${warmUp.failures[0]}`)
  const timing = newTiming()
  const start = performance.now()
  const appCpuBefore = app.cpuMs()
  const benchCpuBefore = process.cpuUsage()
  await Promise.all(Array.from({ length: CITIZENS }, (_, i) => citizen({ targets: [app.url], localAddress: citizenAddress(i), rounds: ROUNDS }, timing)))
  const seconds = (performance.now() - start) / 1000
  const benchCpu = process.cpuUsage(benchCpuBefore)
  return {
    messages: timing.latencies.length,
    seconds,
    appCpuMs: app.cpuMs() - appCpuBefore,
    benchCpuMs: (benchCpu.user + benchCpu.system) / 1000,
    p50: percentile(timing.latencies, 0.5),
    p99: percentile(timing.latencies, 0.99),
    max: percentile(timing.latencies, 1),
    failures: timing.failures,
  }
}

function report(label: string, result: WebchatRun, tps: number, target: number) {
  const rate = result.messages / result.seconds
  console.log(
    `${label}: ${result.messages.toLocaleString('en')} messages in ${result.seconds.toFixed(1)} s = ${rate.toFixed(0)} messages/s; ` +
      `p50 ${ms(result.p50)}, p99 ${ms(result.p99)}, max ${ms(result.max)}; ${result.failures.length} complaints failed`,
  )
  if (result.failures.length > 0) console.log(`  first failure: ${result.failures[0]}`)
  const perMessage = (cpuMs: number) => `${((cpuMs * 1000) / result.messages).toFixed(0)} µs per message`
  const ofCore = (cpuMs: number) => `${((100 * cpuMs) / (result.seconds * 1000)).toFixed(0)} % of a core`
  // steadier than the rate on a shared machine: what one message costs each process, whoever else runs
  console.log(`  CPU of the app process: ${perMessage(result.appCpuMs)} (${ofCore(result.appCpuMs)}); of this process (the citizens): ${perMessage(result.benchCpuMs)} (${ofCore(result.benchCpuMs)})`)
  console.log(`  ratio messages/s ÷ pgbench TPS: ${(rate / tps).toFixed(3)} (target ≥ ${target}${label.startsWith('PostgreSQL') ? ', p99 < 50 ms' : ''})`)
}

const CallFrameSchema = z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() })
const ProfileSchema = z.object({
  nodes: z.array(z.object({ id: z.number(), callFrame: CallFrameSchema })),
  samples: z.array(z.number()),
  timeDeltas: z.array(z.number()),
})

/** The five functions with the most self time in the profiles `--cpu-prof` wrote for `label`. */
function printProfile(label: string) {
  if (!CPU_PROF_DIR) return
  const folder = join(CPU_PROF_DIR, label)
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.cpuprofile'))) {
    const profile = ProfileSchema.parse(JSON.parse(readFileSync(join(folder, file), 'utf8')))
    const frames = new Map(profile.nodes.map((node) => [node.id, node.callFrame]))
    const self = new Map<string, number>()
    let total = 0
    profile.samples.forEach((id, i) => {
      const frame = frames.get(id)
      const delta = profile.timeDeltas[i] ?? 0
      total += delta
      if (!frame) return
      const where = frame.url === '' ? '' : ` ${frame.url.replace(`file://${ROOT}`, '').replace(/^.*node_modules\//, '')}:${frame.lineNumber + 1}`
      const key = `${frame.functionName || '(anonymous)'}${where}`
      self.set(key, (self.get(key) ?? 0) + delta)
    })
    console.log(`  profile of the app (${label}, ${(total / 1e6).toFixed(1)} s sampled, ${join(folder, file)}), top self time:`)
    for (const [key, micros] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 5)) {
      console.log(`    ${((100 * micros) / total).toFixed(1).padStart(5)} %  ${key}`)
    }
  }
}

async function main() {
  console.log(`load average at start: ${loadavg().map((load) => load.toFixed(2)).join(' ')}`)
  console.log(`${CITIZENS} citizens × ${ROUNDS} complaints; the app: node dist/main.js in a child process (the pool of 10 main.ts opens)`)
  const { stdout: built } = await run(process.execPath, ['scripts/build.mjs'], { cwd: ROOT })
  console.log(built.trim())
  if (CPU_PROF_DIR) mkdirSync(CPU_PROF_DIR, { recursive: true })
  console.log(`pgbench tpcb-like, ${PGBENCH_CLIENTS} clients, scale ${PGBENCH_SCALE}, ${PGBENCH_SECONDS} s …`)
  const tps = await pgbenchTps()
  console.log(`pgbench: ${tps.toFixed(0)} TPS`)

  if (DATABASES.has('postgres')) await postgresRun(tps, 'PostgreSQL')
  if (DATABASES.has('postgres') && SOCKET_DIR) await postgresRun(tps, 'PostgreSQL, Unix socket', SOCKET_DIR)
  if (DATABASES.has('pglite')) await pgliteRun(tps)
  agent.destroy()
  console.log(`load average at the end: ${loadavg().map((load) => load.toFixed(2)).join(' ')}`)
}

/** `socketDir`: the app reaches the server through its Unix socket there (postgres.js takes PGHOST and PGUSER when the URL names neither) */
async function postgresRun(tps: number, label: string, socketDir?: string) {
  const scratch = await createScratchDatabase('e2e')
  const profileLabel = socketDir ? 'postgres-socket' : 'postgres'
  try {
    const env: Record<string, string> = socketDir ? { DATABASE_URL: `postgres:///${scratch.name}`, PGHOST: socketDir, PGUSER: 'postgres' } : { DATABASE_URL: scratch.url }
    const app = await startApp(env, profileLabel)
    let result: WebchatRun
    try {
      result = await webchatRun(app)
    } finally {
      await app.stop()
    }
    report(label, result, tps, 0.5)
    // the app's connections are closed, so their counts are flushed; the start and warm-up included
    const sql = postgres(scratch.url, { max: 1, onnotice: () => {} })
    try {
      const [stats] = await sql<{ commits: string }[]>`select xact_commit::text as commits from pg_stat_database where datname = current_database()`
      const all = result.messages + WARM_UP_CITIZENS * 13
      console.log(`  transactions committed in the app's database: ${stats?.commits} for about ${all} messages with the warm-up (${(Number(stats?.commits) / all).toFixed(2)} per message, the start's and the outbox poller's included)`)
    } finally {
      await sql.end()
    }
    printProfile(profileLabel)
  } finally {
    await scratch.drop()
  }
}

async function pgliteRun(tps: number) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dialogo-bench-e2e-'))
  try {
    const app = await startApp({ DATA_DIR: dataDir }, 'pglite')
    try {
      report('PGlite', await webchatRun(app), tps, 0.25)
    } finally {
      await app.stop()
    }
    printProfile('pglite')
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
