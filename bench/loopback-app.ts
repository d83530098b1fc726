/**
 * What the end-to-end benchmarks share: a throw-away PostgreSQL database, the composed app served
 * over real HTTP on 127.0.0.1 (in this process, or built and run as a child), the CPU processes
 * spent (from /proc), and percentiles.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import postgres from 'postgres'
import { startFlags } from './start-command.js'

/** the repository's folder, where `dist/` is built */
export const ROOT = fileURLToPath(new URL('..', import.meta.url))

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

/** Linux counts a process's CPU time in /proc/<pid>/stat in ticks of 1/100 s */
const CLOCK_TICKS = 100

/** A process's CPU times, in ms: its own (utime + stime) and its reaped children's (cutime + cstime). */
type ProcessCpu = { ppid: number; own: number; children: number }

/** /proc/<pid>/stat, or undefined when the process is gone (or not a number, as /proc/self is not). */
function readStat(pid: number | 'self'): ProcessCpu | undefined {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // after the command's closing parenthesis (a command may hold spaces): state is field 0, ppid 1, utime 11, stime 12, cutime 13, cstime 14
  const fields = stat.slice(stat.lastIndexOf(') ') + 2).split(' ').map(Number)
  const tick = (i: number) => ((fields[i] ?? NaN) * 1000) / CLOCK_TICKS
  return { ppid: fields[1] ?? NaN, own: tick(11) + tick(12), children: tick(13) + tick(14) }
}

function commandOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
  } catch {
    return undefined
  }
}

/** The title PostgreSQL gives a process (its command line, rewritten), '' once it is gone. */
function titleOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return ''
  }
}

/** The CPU `pid` has spent so far, in ms (NaN once it is gone). */
export const processCpuMs = (pid: number) => readStat(pid)?.own ?? NaN

/** The CPU the children this process has waited for spent, in ms: a child's counts once it has exited. */
export const reapedChildrenCpuMs = () => readStat('self')?.children ?? NaN

/** CPU (ms) spent so far by each process of a PostgreSQL server that works for one database. */
export type ServerCpuSnapshot = Map<number, number>

/** A client backend's title names its client: `… postgres dialogo_bench_e2e_1a2b 127.0.0.1(34632) idle` or `[local]`. */
const CLIENT_BACKEND = /\S+\(\d+\) |\[local\] /

/**
 * Reads the CPU a PostgreSQL server spends for `database`: the postmaster's own, its background
 * processes' (checkpointer, WAL writer, autovacuum …: shared by every database, so other work on
 * the server counts too) and the client backends connected to `database` (by their process title;
 * the databases here have random names). Other databases' backends are left out, since other
 * work may share the server; so are backends that have exited, whose CPU the postmaster only
 * keeps mixed with every other's: the connections measured here stay open across a reading.
 * Undefined when the server is not on this machine (its postmaster not in /proc).
 */
export async function postgresServerCpu(url: string): Promise<((database: string) => ServerCpuSnapshot) | undefined> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  let backend: number | undefined
  try {
    const [row] = await sql<{ pid: number }[]>`select pg_backend_pid() as pid`
    backend = row?.pid
  } catch {
    backend = undefined
  }
  // the backend serving this connection is a child of the postmaster; read before the connection closes
  const postmaster = backend === undefined ? undefined : readStat(backend)?.ppid
  await sql.end()
  // a server elsewhere (another host, a container) has a pid that may mean something else here
  if (postmaster === undefined || commandOf(postmaster) !== 'postgres') return undefined
  return (database) => {
    const snapshot: ServerCpuSnapshot = new Map([[postmaster, processCpuMs(postmaster)]])
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue
      const pid = Number(entry)
      const child = readStat(pid)
      if (child?.ppid !== postmaster) continue
      const title = titleOf(pid)
      if (CLIENT_BACKEND.test(title) && !title.split(' ').includes(database)) continue
      snapshot.set(pid, child.own)
    }
    return snapshot
  }
}

/** The CPU spent between two snapshots, in ms, and how many processes of the first were gone by the second. */
export function serverCpuBetween(before: ServerCpuSnapshot, after: ServerCpuSnapshot): { ms: number; exited: number } {
  let ms = 0
  for (const [pid, cpu] of after) ms += cpu - (before.get(pid) ?? 0)
  const exited = [...before.keys()].filter((pid) => !after.has(pid)).length
  return { ms, exited }
}

export type AppProcess = { url: string; child: ChildProcess; cpuMs: () => number; stop: () => Promise<void> }

/**
 * `node dist/main.js` (built by scripts/build.mjs), with the flags `npm start` gives it, with `env` added to a bare environment (no token
 * of any channel), on 127.0.0.1 at a free port; resolves once it prints where it serves.
 * `profileDir`: run with --cpu-prof, the profile written there.
 */
export function startApp(env: Record<string, string>, profileDir?: string): Promise<AppProcess> {
  const profile = profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []
  const child = spawn(process.execPath, [...startFlags(), ...profile, 'dist/main.js'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const pid = child.pid
  if (pid === undefined) throw new Error('the app did not start')
  const cpuMs = () => processCpuMs(pid)
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

export { type Served, serveOnLoopback } from '../test/support/serve-app.js'

export { percentile } from './timing.js'

export const ms = (value: number) => `${value.toFixed(1)} ms`
