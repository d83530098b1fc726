import { execFile } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import postgres from 'postgres'

const run = promisify(execFile)

/** Debian's PostgreSQL server binaries (postgresql-15 puts them under /usr/lib/postgresql/15/bin), if installed. */
export function postgresBinaries(): string | undefined {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return undefined
  const versions = readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'pg_ctl'))).sort((a, b) => Number(b) - Number(a))
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin')
}

export type TempPostgres = {
  /** the server's `postgres` database on 127.0.0.1 */
  url: string
  port: number
  /** a new empty database on this server, for one app */
  createDatabase: (name: string) => Promise<string>
  stop: () => Promise<void>
  start: () => Promise<void>
  close: () => Promise<void>
}

/** A free TCP port on 127.0.0.1 (the kernel's choice; taken back at once). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/**
 * A PostgreSQL server of its own in a temporary folder, on a free loopback port, with trust
 * authentication and fsync off (a test's data need not survive a power cut): a test may stop and
 * restart it without disturbing any other server. As root, the binaries run as the `postgres`
 * user (initdb refuses root). `close` stops it at once and removes the folder.
 */
export async function startTempPostgres(bin: string): Promise<TempPostgres> {
  const folder = mkdtempSync(join(tmpdir(), 'dialogo-pg-'))
  const asRoot = process.getuid?.() === 0
  if (asRoot) chownSync(folder, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), Number((await run('id', ['-g', 'postgres'])).stdout.trim()))
  const exec = (tool: string, args: string[]) =>
    asRoot ? run('runuser', ['-u', 'postgres', '--', join(bin, tool), ...args], { timeout: 30_000 }) : run(join(bin, tool), args, { timeout: 30_000 })
  const data = join(folder, 'data')
  await exec('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--no-instructions'])
  const port = await freePort()
  const options = `-p ${port} -k ${folder} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`
  const start = async () => {
    await exec('pg_ctl', ['-D', data, '-o', options, '-l', join(folder, 'server.log'), '-w', '-t', '20', 'start'])
  }
  const stop = async () => {
    await exec('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '20', 'stop'])
  }
  await start()
  const url = `postgres://postgres@127.0.0.1:${port}/postgres`
  return {
    url,
    port,
    async createDatabase(name) {
      const admin = postgres(url, { max: 1, onnotice: () => {} })
      try {
        await admin.unsafe(`CREATE DATABASE ${name}`)
      } finally {
        await admin.end({ timeout: 2 })
      }
      return `postgres://postgres@127.0.0.1:${port}/${name}`
    },
    stop,
    start,
    async close() {
      await exec('pg_ctl', ['-D', data, '-m', 'immediate', '-w', '-t', '20', 'stop']).catch(() => undefined)
      rmSync(folder, { recursive: true, force: true })
    },
  }
}
