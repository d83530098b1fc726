/**
 * Scale out (issue 18): app instances as separate processes on one PostgreSQL database, under
 * the end-to-end web chat load of bench:e2e (bench/webchat-citizens.ts). For the load the instances
 * run as production runs (`node dist/main.js`, built first by scripts/build.mjs); the job probes
 * need instances that take orders over IPC (bench/app-instance.ts, under tsx), started after.
 *  1. one instance: BENCH_CITIZENS citizens (64) × BENCH_ROUNDS complaints (3);
 *  2. two instances: the same load, citizens split between them, and every BENCH_REPEAT_EVERY-th
 *     message (10) sent to both at once with the same message id, as a load balancer that retries
 *     on the other instance would;
 *  3. scheduled jobs: both instances fire the same probe jobs for the same slot at once, slot
 *     after slot, through runJobOnce as their schedulers do at every firing.
 * Checked in the database afterwards: one inbound row per message (0 handled twice), one case per
 * complaint, the repeats answered alike by both instances, and one run per job and slot. Printed:
 * messages/s with one instance and with two, and the ratio.
 *
 *   npm run bench:scale-out     # BENCH_DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres
 */
import { type ChildProcess, execFile, fork } from 'node:child_process'
import { loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import postgres from 'postgres'
import { z } from 'zod'
import { openDatabase } from '../src/db/client.js'
import { type AppProcess, createScratchDatabase, ms, percentile, ROOT, startApp } from './loopback-app.js'
import { agent, citizen, citizenAddress, newTiming, type Timing } from './webchat-citizens.js'

const CITIZENS = Number(process.env.BENCH_CITIZENS ?? 64)
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3)
const REPEAT_EVERY = Number(process.env.BENCH_REPEAT_EVERY ?? 10)
const WARM_UP_CITIZENS = 32
const WARM_UP_ROUNDS = 4
const PROBE_JOBS = ['probe.escalation', 'probe.digest', 'probe.polls', 'probe.trail', 'probe.publication']
const PROBE_SLOTS = ['2026-12-01T15:00:00Z', '2026-12-01T15:01:00Z', '2026-12-01T15:02:00Z']

type Instance = { name: string; url: string; child: ChildProcess }
/** what the load needs of an instance: where it serves */
type Served = { url: string }

/** Starts one app process on `databaseUrl`; resolves once it serves. */
function startInstance(name: string, databaseUrl: string): Promise<Instance> {
  const child = fork(fileURLToPath(new URL('./app-instance.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_INSTANCE_URL: databaseUrl, BENCH_INSTANCE_NAME: name },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return new Promise((resolve, reject) => {
    const failed = (code: number | null) => reject(new Error(`instance ${name} exited with ${code} before serving`))
    child.once('exit', failed)
    child.once('message', (message) => {
      child.off('exit', failed)
      resolve({ name, url: z.object({ url: z.string() }).parse(message).url, child })
    })
  })
}

function stopInstance(instance: Instance): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => instance.child.kill('SIGKILL'), 10_000)
    instance.child.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    instance.child.send({ type: 'stop' })
  })
}

function fireProbeJobs(instance: Instance, slot: string): Promise<number> {
  return new Promise((resolve) => {
    instance.child.once('message', (message) => resolve(z.object({ ran: z.number() }).parse(message).ran))
    instance.child.send({ type: 'jobs', names: PROBE_JOBS, slots: [slot] })
  })
}

type Load = { timing: Timing; seconds: number }

/** CITIZENS citizens at once, citizen i talking first to instance i mod n. */
async function load(instances: readonly Served[], repeatEvery: number, block: number): Promise<Load> {
  const timing = newTiming()
  const start = performance.now()
  await Promise.all(
    Array.from({ length: CITIZENS }, (_, i) => {
      const first = i % instances.length
      const targets = [...instances.slice(first), ...instances.slice(0, first)].map((instance) => instance.url)
      return citizen({ targets, localAddress: citizenAddress(i, block), rounds: ROUNDS, repeatEvery, client: 'net' }, timing)
    }),
  )
  return { timing, seconds: (performance.now() - start) / 1000 }
}

function report(label: string, { timing, seconds }: Load): number {
  const rate = timing.latencies.length / seconds
  console.log(
    `${label}: ${timing.latencies.length.toLocaleString('en')} messages in ${seconds.toFixed(1)} s = ${rate.toFixed(0)} messages/s; ` +
      `p50 ${ms(percentile(timing.latencies, 0.5))}, p99 ${ms(percentile(timing.latencies, 0.99))}; ${timing.failures.length} complaints failed` +
      (timing.repeated > 0 ? `; ${timing.repeated} messages sent to both instances, ${timing.mismatched} answered differently` : ''),
  )
  if (timing.failures.length > 0) console.log(`  first failure: ${timing.failures[0]}`)
  return rate
}

async function main() {
  console.log(`load average at start: ${loadavg().map((value) => value.toFixed(2)).join(' ')}`)
  console.log(`${CITIZENS} citizens × ${ROUNDS} complaints per phase; app instances: node dist/main.js (the load), tsx with IPC (the job probes), pool of 10 each`)
  const { stdout: built } = await promisify(execFile)(process.execPath, ['scripts/build.mjs'], { cwd: ROOT })
  console.log(built.trim())
  const scratch = await createScratchDatabase('scale')
  const sql = postgres(scratch.url, { max: 1, onnotice: () => {} })
  const apps: AppProcess[] = []
  const instances: Instance[] = []
  try {
    await (await openDatabase({ kind: 'postgres', url: scratch.url })).close()
    await sql`create table bench_job_runs (job text not null, slot timestamptz not null, instance text not null)`
    // one after the other: the first seeds the fresh database, the second finds it seeded
    apps.push(await startApp({ DATABASE_URL: scratch.url }))
    apps.push(await startApp({ DATABASE_URL: scratch.url }))
    const [a] = apps
    if (!a) throw new Error('no instance')

    // warmed up as bench:e2e warms its app: V8 optimises the hot paths over the first thousands of messages
    const warmUp = newTiming()
    await Promise.all(apps.flatMap((app, k) => Array.from({ length: WARM_UP_CITIZENS }, (_, i) => citizen({ targets: [app.url], localAddress: citizenAddress(i, 10 + k), rounds: WARM_UP_ROUNDS, client: 'net' }, warmUp))))
    if (warmUp.failures.length > 0) throw new Error(`the warm-up failed: ${warmUp.failures[0]}`)

    const oneLoad = await load([a], 0, 20)
    const one = report('one instance ', oneLoad)
    const twoLoad = await load(apps, REPEAT_EVERY, 30)
    const two = report('two instances', twoLoad)
    console.log(`  ratio two ÷ one: ${(two / one).toFixed(2)}x`)
    await Promise.all(apps.map((app) => app.stop()))

    instances.push(await startInstance('a', scratch.url))
    instances.push(await startInstance('b', scratch.url))

    // each slot fires on both instances at once, as their schedulers do every minute
    const ran = instances.map(() => 0)
    for (const slot of PROBE_SLOTS) {
      const outcomes = await Promise.all(instances.map((instance) => fireProbeJobs(instance, slot)))
      outcomes.forEach((count, i) => (ran[i] = (ran[i] ?? 0) + count))
    }
    // every message is in its timing once, a repeat sent to both instances included
    const phases = [warmUp, oneLoad.timing, twoLoad.timing]
    const messages = phases.reduce((sum, timing) => sum + timing.latencies.length, 0)
    const complaints = apps.length * WARM_UP_CITIZENS * WARM_UP_ROUNDS + 2 * CITIZENS * ROUNDS - phases.reduce((sum, timing) => sum + timing.failures.length, 0)
    const [counts] = await sql<{ inbound: string; cases: string; runs: string; doubled: string }[]>`
      select (select count(*) from inbound_messages where channel = 'webchat')::text as inbound,
             (select count(*) from cases)::text as cases,
             (select count(*) from bench_job_runs)::text as runs,
             (select count(*) from (select 1 from bench_job_runs group by job, slot having count(*) > 1) d)::text as doubled`
    console.log(`checks (database): ${counts?.inbound} inbound messages recorded for ${messages} sent (target: equal, none handled twice); ${counts?.cases} cases for ${complaints} complaints filed (target: equal)`)
    console.log(`  probe jobs: ${PROBE_JOBS.length} jobs × ${PROBE_SLOTS.length} slots fired by both instances: ${counts?.runs} runs (${ran.join(' + ')}; target ${PROBE_JOBS.length * PROBE_SLOTS.length}), ${counts?.doubled} slots run twice (target 0)`)
    console.log(`  repeats answered differently by the two instances: ${twoLoad.timing.mismatched}`)
  } finally {
    await Promise.all([...apps.map((app) => app.stop()), ...instances.map(stopInstance)])
    await sql.end()
    await scratch.drop()
    agent.destroy()
  }
}

await main()
