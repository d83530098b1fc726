/**
 * End to end through the real HTTP web chat (issue 18), the app run as production runs it: built
 * with scripts/build.mjs and started as `node dist/main.js` (what `npm start` does) in a child
 * process on 127.0.0.1, and BENCH_CITIZENS simulated citizens (64) in this process, each filing
 * BENCH_ROUNDS complaints (3) in fresh conversations the way the page does.
 *  1. baseline: pgbench tpcb-like (8 clients, BENCH_PGBENCH_SECONDS = 30 s, scale
 *     BENCH_PGBENCH_SCALE = 8) on a throw-away database of the same server, with the CPU the
 *     server's processes and pgbench spent per transaction;
 *  2. the app on a fresh PostgreSQL database (DATABASE_URL), created and dropped here:
 *     messages/s, p50/p99 per message, the ratio messages/s ÷ pgbench TPS (target ≥ 0.5, p99 <
 *     50 ms), the CPU the app process, the server's processes and this process (the citizens)
 *     spent per message, the ratio the machine's cores allow at most at those costs, and the
 *     transactions the database committed per message (pg_stat_database, read after the app has
 *     exited); once per client in BENCH_CLIENT (`net`, the default, `http` or `fetch`, or a
 *     comma-separated list of them: webchat-citizens.ts);
 *  3. the same on PGlite: the app with DATA_DIR in a temporary folder (target ≥ 0.25 × the same
 *     pgbench figure).
 *  4. unless BENCH_PGBENCH_LATENCY=0: the database alone at the citizens' concurrency, pgbench
 *     tpcb-like with BENCH_CITIZENS clients (64) on a scale as large (pgbench's advice: a scale
 *     at least the number of clients), its p50/p99 from its per-transaction log: what PostgreSQL
 *     itself gives 64 clients that never pause, on the same machine, set beside the app's p99.
 *
 * Every citizen posts from its own loopback address (127.0.0.2 …) so the per-address limit of the
 * web chat (240 messages a minute) sees 64 clients, as it would on the internet; keep BENCH_ROUNDS
 * at 18 or less for that reason. The app is started as main.ts starts it, outbox worker and
 * scheduler included, with no channel configured but the web chat.
 *
 *   npm run bench:e2e     # BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres
 *   BENCH_CPU_PROF=/tmp/prof npm run bench:e2e    # the app run with --cpu-prof; top self times printed
 *   BENCH_SOCKET_DIR=/var/run/postgresql npm run bench:e2e   # also the app on PostgreSQL's Unix socket
 *   BENCH_CLIENT=net,http,fetch npm run bench:e2e     # the citizens' load sent once with each client
 */
import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { availableParallelism, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import postgres from 'postgres'
import { z } from 'zod'
import {
  adminUrl,
  type AppProcess,
  createScratchDatabase,
  ms,
  percentile,
  postgresServerCpu,
  reapedChildrenCpuMs,
  ROOT,
  type ServerCpuSnapshot,
  serverCpuBetween,
  startApp,
} from './loopback-app.js'
import { agent, citizen, citizenAddress, type ClientKind, isClientKind, newTiming } from './webchat-citizens.js'

const CITIZENS = Number(process.env.BENCH_CITIZENS ?? 64)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const PGBENCH_SECONDS = Number(process.env.BENCH_PGBENCH_SECONDS ?? 30)
const PGBENCH_SCALE = Number(process.env.BENCH_PGBENCH_SCALE ?? 8)
const PGBENCH_CLIENTS = 8
/** whether pgbench is also run at the citizens' concurrency, for its latency (4. above) */
const PGBENCH_LATENCY = process.env.BENCH_PGBENCH_LATENCY !== '0'
/** which runs to make: `postgres`, `pglite` or both (the default), comma-separated */
const DATABASES = new Set((process.env.BENCH_DATABASES ?? 'postgres,pglite').split(',').map((name) => name.trim()))
/** a folder: the app child runs with --cpu-prof and its profiles are written there */
const CPU_PROF_DIR = process.env.BENCH_CPU_PROF
/** a folder holding PostgreSQL's Unix socket: the PostgreSQL run is repeated with the app connected through it */
const SOCKET_DIR = process.env.BENCH_SOCKET_DIR
/**
 * how the citizens send, each client listed getting its own timed run on the PostgreSQL app; `net`
 * unless told, the lightest (about half node:http's CPU a message, a sixth of fetch's: bench/README.md)
 */
const CLIENTS = (process.env.BENCH_CLIENT ?? 'net').split(',').map((name) => name.trim())
/**
 * every citizen files BENCH_WARM_UP_ROUNDS complaints (4) untimed before each timed run. The first
 * of two timed runs on one app cost it, per message, 1.6 ms of CPU against 0.9 to 1.0 for the
 * second with 8 citizens × 1 complaint of warm-up, 1.3 against 1.0 with 64 × 1, 1.1 against 0.75
 * with 64 × 2, 0.82 against 0.73 with 64 × 5: V8 still optimising the hot code (its compiler
 * threads count in the process's CPU), in the app and in the citizens' client alike. With 64 × 4,
 * three timed runs on one app cost it 0.82, 0.83 and 0.80 ms (bench/README.md).
 */
const WARM_UP_CITIZENS = CITIZENS
const WARM_UP_ROUNDS = Number(process.env.BENCH_WARM_UP_ROUNDS ?? 4)
/** the CPU budget everything shares: PostgreSQL, the app, the citizens and pgbench */
const CORES = availableParallelism()

const run = promisify(execFile)

/** Reads what the PostgreSQL server has spent for one database so far, when it runs on this machine. */
type ServerCpuReader = (database: string) => ServerCpuSnapshot
type ServerCpu = (() => ServerCpuSnapshot) | undefined

/** The server's CPU (ms) since `before`; NaN when it is not measured. Warns of processes that exited meanwhile (their last part is missing). */
function serverCpuSince(serverCpu: ServerCpu, before: ServerCpuSnapshot | undefined): number {
  if (!serverCpu || !before) return NaN
  const { ms, exited } = serverCpuBetween(before, serverCpu())
  if (exited > 0) console.log(`  (${exited} server processes exited while measured: their last CPU is not counted)`)
  return ms
}

/** pgbench's run: its TPS, and the CPU (µs) the server's processes and pgbench itself spent per transaction. */
type Baseline = { tps: number; serverUs: number; clientUs: number }

/**
 * The server's CPU (ms) per second of a steady load that lasts `seconds` from now, read from 1 s
 * in (less for a short load) until as long before its end: while the load's connections are open,
 * since their backends exit with them and what an exited backend spent is no longer told apart.
 */
function serverCpuRate(serverCpu: ServerCpu, seconds: number): Promise<number> {
  if (!serverCpu) return Promise.resolve(NaN)
  const margin = Math.min(1, seconds / 4) * 1000
  return new Promise((resolve) => {
    setTimeout(() => {
      const before = serverCpu()
      const start = performance.now()
      setTimeout(() => resolve(serverCpuSince(serverCpu, before) / ((performance.now() - start) / 1000)), seconds * 1000 - 2 * margin)
    }, margin)
  })
}

/** The TPS pgbench printed (NaN when it printed none). */
const tpsOf = (stdout: string) => Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1])

/** pgbench's tpcb-like script on its own database, created and dropped here. */
async function pgbench(serverCpuReader: ServerCpuReader | undefined): Promise<Baseline> {
  const scratch = await createScratchDatabase('pgbench')
  try {
    await run('pgbench', ['-i', '-q', '-s', String(PGBENCH_SCALE), scratch.url])
    // pgbench is a child of this process: its CPU is added to this process's children's once it has exited
    const clientBefore = reapedChildrenCpuMs()
    const serverMsPerSecond = serverCpuRate(serverCpuReader && (() => serverCpuReader(scratch.name)), PGBENCH_SECONDS)
    const { stdout } = await run('pgbench', ['-c', String(PGBENCH_CLIENTS), '-j', '2', '-T', String(PGBENCH_SECONDS), scratch.url])
    const clientMs = reapedChildrenCpuMs() - clientBefore
    const tps = tpsOf(stdout)
    const transactions = Number(/number of transactions actually processed: (\d+)/.exec(stdout)?.[1])
    if (!tps || !transactions) throw new Error(`no TPS in pgbench's output:\n${stdout}`)
    return { tps, serverUs: ((await serverMsPerSecond) * 1000) / tps, clientUs: (clientMs * 1000) / transactions }
  } finally {
    await scratch.drop()
  }
}

/**
 * pgbench tpcb-like with as many clients as there are citizens, on a scale as large, on its own
 * database: its transactions' p50 and p99 (ms) from its per-transaction log (`-l`, the third
 * field is the latency in µs).
 */
async function pgbenchLatency(): Promise<{ tps: number; p50: number; p99: number }> {
  const scratch = await createScratchDatabase('pgbench64')
  const logDir = mkdtempSync(join(tmpdir(), 'dialogo-bench-pgbench-'))
  try {
    await run('pgbench', ['-i', '-q', '-s', String(CITIZENS), scratch.url])
    const { stdout } = await run('pgbench', ['-c', String(CITIZENS), '-j', '2', '-T', String(PGBENCH_SECONDS), '-l', '--log-prefix', join(logDir, 'log'), scratch.url])
    const tps = tpsOf(stdout)
    const latencies = readdirSync(logDir).flatMap((file) =>
      readFileSync(join(logDir, file), 'utf8')
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => Number(line.split(' ')[2]) / 1000),
    )
    if (!tps || latencies.length === 0) throw new Error(`no TPS or no log from pgbench:\n${stdout}`)
    return { tps, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) }
  } finally {
    rmSync(logDir, { recursive: true, force: true })
    await scratch.drop()
  }
}

type WebchatRun = {
  client: ClientKind
  messages: number
  seconds: number
  appCpuMs: number
  serverCpuMs: number
  benchCpuMs: number
  p50: number
  p99: number
  max: number
  /** p50 and p99 of the nth message of a complaint */
  steps: { p50: number; p99: number }[]
  failures: string[]
}

/**
 * Warms the app up, then lets the citizens loose, sending with `client`. `block`: the second octet
 * of the citizens' loopback addresses, one per run so no address sees more than one run's messages
 * in the web chat's minute; the warm-up posts from block 100 + `block`.
 */
async function webchatRun(app: AppProcess, client: ClientKind, block: number, serverCpu: ServerCpu): Promise<WebchatRun> {
  // the first requests compile and cache: not timed, from addresses the timed run does not use
  const warmUp = newTiming()
  await Promise.all(Array.from({ length: WARM_UP_CITIZENS }, (_, i) => citizen({ targets: [app.url], localAddress: citizenAddress(i, 100 + block), rounds: WARM_UP_ROUNDS, client }, warmUp)))
  if (warmUp.failures.length > 0) throw new Error(`the warm-up failed: ${warmUp.failures[0]}`)
  const timing = newTiming()
  const start = performance.now()
  const appCpuBefore = app.cpuMs()
  const serverCpuBefore = serverCpu?.()
  const benchCpuBefore = process.cpuUsage()
  await Promise.all(Array.from({ length: CITIZENS }, (_, i) => citizen({ targets: [app.url], localAddress: citizenAddress(i, block), rounds: ROUNDS, client }, timing)))
  const seconds = (performance.now() - start) / 1000
  const benchCpu = process.cpuUsage(benchCpuBefore)
  return {
    client,
    messages: timing.latencies.length,
    seconds,
    appCpuMs: app.cpuMs() - appCpuBefore,
    serverCpuMs: serverCpuSince(serverCpu, serverCpuBefore),
    benchCpuMs: (benchCpu.user + benchCpu.system) / 1000,
    p50: percentile(timing.latencies, 0.5),
    p99: percentile(timing.latencies, 0.99),
    max: percentile(timing.latencies, 1),
    steps: timing.bySteps.map((latencies) => ({ p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) })),
    failures: timing.failures,
  }
}

const us = (value: number) => (Number.isNaN(value) ? 'not measured' : `${value.toFixed(0)} µs`)

function report(label: string, result: WebchatRun, baseline: Baseline, target: number) {
  const rate = result.messages / result.seconds
  console.log(
    `${label}, ${result.client} client: ${result.messages.toLocaleString('en')} messages in ${result.seconds.toFixed(1)} s = ${rate.toFixed(0)} messages/s; ` +
      `p50 ${ms(result.p50)}, p99 ${ms(result.p99)}, max ${ms(result.max)}; ${result.failures.length} complaints failed`,
  )
  if (result.failures.length > 0) console.log(`  first failure: ${result.failures[0]}`)
  // where the slow messages are: the filing (the last) runs the case's statements, the others one save
  console.log(`  p50 / p99 by message of a complaint: ${result.steps.map((step, i) => `${i + 1}: ${step.p50.toFixed(0)}/${step.p99.toFixed(0)}`).join(', ')} ms`)
  const perMessage = (cpuMs: number) => (cpuMs * 1000) / result.messages
  const ofCore = (cpuMs: number) => (Number.isNaN(cpuMs) ? '' : ` (${((100 * cpuMs) / (result.seconds * 1000)).toFixed(0)} % of a core)`)
  const [app, server, citizens] = [result.appCpuMs, result.serverCpuMs, result.benchCpuMs].map(perMessage) as [number, number, number]
  // steadier than the rate on a shared machine: what one message costs each process, whoever else runs
  console.log(
    `  CPU per message: the app process ${us(app)}${ofCore(result.appCpuMs)}; the PostgreSQL server ${us(server)}${ofCore(result.serverCpuMs)}; ` +
      `this process (the citizens) ${us(citizens)}${ofCore(result.benchCpuMs)}`,
  )
  console.log(`  ratio messages/s ÷ pgbench TPS: ${(rate / baseline.tps).toFixed(3)} (target ≥ ${target}${label.startsWith('PostgreSQL') ? ', p99 < 50 ms' : ''})`)
  printCpuBound(app, server, citizens, baseline)
}

/**
 * What the CPU allows. A message costs the app, the server and the citizens `app + server +
 * citizens` µs all told, a pgbench transaction its server's and pgbench's. On an idle machine
 * both fill the cores, so the ratio is at most one cost over the other; on a busy one pgbench got
 * less, and CORES × 10⁶ ÷ the message's cost, over the TPS measured, is what the cores allow.
 * The app is one process with one event loop, about a core: 10⁶ ÷ `app` messages/s at most
 * whatever the cores (its garbage collector and compiler threads take it a little past).
 */
function printCpuBound(app: number, server: number, citizens: number, baseline: Baseline) {
  const messageUs = app + (Number.isNaN(server) ? 0 : server) + citizens
  const transactionUs = baseline.serverUs + baseline.clientUs
  const byCores = (CORES * 1e6) / messageUs
  const byLoop = 1e6 / app
  const ratio = (rate: number) => (rate / baseline.tps).toFixed(3)
  const parts = Number.isNaN(server) ? 'app (its database inside) + citizens' : 'app + server + citizens'
  console.log(
    `  CPU bound: ${us(messageUs)} of CPU a message (${parts}) against ${us(transactionUs)} a pgbench transaction (server + pgbench): ` +
      `with both on all ${CORES} cores (an idle machine) a ratio of at most ${(transactionUs / messageUs).toFixed(3)}; ` +
      `against the ${baseline.tps.toFixed(0)} TPS measured (pgbench had ${((baseline.tps * transactionUs) / 1e6).toFixed(2)} of the ${CORES} cores) ` +
      `the cores allow ${byCores.toFixed(0)} messages/s, ${ratio(byCores)}, and the app's one event loop ${byLoop.toFixed(0)}, ${ratio(byLoop)}; ` +
      `a ratio of 0.5 needs at most ${us(2 * transactionUs)} a message all told`,
  )
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
  console.log(`load average at start: ${loadavg().map((load) => load.toFixed(2)).join(' ')}; ${CORES} cores`)
  console.log(`${CITIZENS} citizens × ${ROUNDS} complaints; the app: node dist/main.js in a child process (the pool of 10 main.ts opens)`)
  const clients = CLIENTS.filter(isClientKind)
  if (clients.length !== CLIENTS.length || clients.length === 0) throw new Error(`BENCH_CLIENT: net, http or fetch, or several comma-separated (not ${CLIENTS.join(',')})`)
  const { stdout: built } = await run(process.execPath, ['scripts/build.mjs'], { cwd: ROOT })
  console.log(built.trim())
  if (CPU_PROF_DIR) mkdirSync(CPU_PROF_DIR, { recursive: true })
  const serverCpu = await postgresServerCpu(adminUrl())
  if (!serverCpu) console.log("the PostgreSQL server's processes are not on this machine: its CPU is not measured")
  console.log(`pgbench tpcb-like, ${PGBENCH_CLIENTS} clients, scale ${PGBENCH_SCALE}, ${PGBENCH_SECONDS} s …`)
  const baseline = await pgbench(serverCpu)
  console.log(
    `pgbench: ${baseline.tps.toFixed(0)} TPS; CPU per transaction: the PostgreSQL server ${us(baseline.serverUs)}, pgbench ${us(baseline.clientUs)} ` +
      `(${((baseline.tps * (baseline.serverUs + baseline.clientUs)) / 1e6).toFixed(2)} of the ${CORES} cores)`,
  )

  if (DATABASES.has('postgres')) await postgresRun(baseline, 'PostgreSQL', clients, serverCpu)
  if (DATABASES.has('postgres') && SOCKET_DIR) await postgresRun(baseline, 'PostgreSQL, Unix socket', clients, serverCpu, SOCKET_DIR)
  if (DATABASES.has('pglite')) await pgliteRun(baseline, clients[0] ?? 'net')
  if (PGBENCH_LATENCY) {
    console.log(`pgbench tpcb-like, ${CITIZENS} clients (as many as the citizens), scale ${CITIZENS}, ${PGBENCH_SECONDS} s, the database alone …`)
    const alone = await pgbenchLatency()
    console.log(`pgbench at ${CITIZENS} clients: ${alone.tps.toFixed(0)} TPS; p50 ${ms(alone.p50)}, p99 ${ms(alone.p99)} (the target for the app's p99 at this concurrency: < 50 ms)`)
  }
  agent.destroy()
  console.log(`load average at the end: ${loadavg().map((load) => load.toFixed(2)).join(' ')}`)
}

/** `socketDir`: the app reaches the server through its Unix socket there (postgres.js takes PGHOST and PGUSER when the URL names neither) */
async function postgresRun(baseline: Baseline, label: string, clients: readonly ClientKind[], serverCpuReader: ServerCpuReader | undefined, socketDir?: string) {
  const scratch = await createScratchDatabase('e2e')
  const profileLabel = socketDir ? 'postgres-socket' : 'postgres'
  try {
    const env: Record<string, string> = socketDir ? { DATABASE_URL: `postgres:///${scratch.name}`, PGHOST: socketDir, PGUSER: 'postgres' } : { DATABASE_URL: scratch.url }
    const app = await startApp(env, CPU_PROF_DIR && join(CPU_PROF_DIR, profileLabel))
    const results: WebchatRun[] = []
    try {
      // one after the other on the same app, so each client's run has the same app and database to talk to
      const serverCpu = serverCpuReader && (() => serverCpuReader(scratch.name))
      for (const [block, client] of clients.entries()) results.push(await webchatRun(app, client, block, serverCpu))
    } finally {
      await app.stop()
    }
    for (const result of results) report(label, result, baseline, 0.5)
    // the app's connections are closed, so their counts are flushed; the start and warm-up included
    const sql = postgres(scratch.url, { max: 1, onnotice: () => {} })
    try {
      const [stats] = await sql<{ commits: string }[]>`select xact_commit::text as commits from pg_stat_database where datname = current_database()`
      const all = results.reduce((sum, result) => sum + result.messages + WARM_UP_CITIZENS * WARM_UP_ROUNDS * 13, 0)
      console.log(`  transactions committed in the app's database: ${stats?.commits} for about ${all} messages with the warm-up (${(Number(stats?.commits) / all).toFixed(2)} per message, the start's and the outbox poller's included)`)
    } finally {
      await sql.end()
    }
    printProfile(profileLabel)
  } finally {
    await scratch.drop()
  }
}

async function pgliteRun(baseline: Baseline, client: ClientKind) {
  const dataDir = mkdtempSync(join(tmpdir(), 'dialogo-bench-e2e-'))
  try {
    const app = await startApp({ DATA_DIR: dataDir }, CPU_PROF_DIR && join(CPU_PROF_DIR, 'pglite'))
    try {
      // the PostgreSQL server is not the app's database here: what it spends is other work
      report('PGlite', await webchatRun(app, client, 0, undefined), baseline, 0.25)
    } finally {
      await app.stop()
    }
    printProfile('pglite')
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
