import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ServerType, serve } from '@hono/node-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CliBridge, openCliBridge } from '../../src/cli/cli-bridge.js'
import { runCli } from '../../src/cli/run-cli.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { NotFoundError } from '../../src/domain-errors.js'
import type { Job } from '../../src/jobs/run-job-once.js'
import { createScheduler } from '../../src/jobs/scheduler.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { silentLogger } from '../support/tiny-engine.js'

describe.each(databaseKinds)('the scheduler on %s', (kind) => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })

  it('runs nothing when it starts, only at the times of each job', async () => {
    const runs: Date[] = []
    // every minute: a start that replayed the current minute would run it at once
    const job: Job = { name: 'every-minute', cron: '* * * * *', run: async (_tx, slot) => void runs.push(slot) }
    const scheduler = createScheduler({ db: database.db, jobs: [job], logger: silentLogger })
    await scheduler.start()
    await new Promise((resolve) => setTimeout(resolve, 300))
    scheduler.stop()
    expect(runs).toEqual([])
    expect((await scheduler.list())[0]).toMatchObject({ name: 'every-minute', lastSlot: null })
  })

  it('runs a job by name now, records it, and names the known jobs for an unknown one', async () => {
    const at = new Date('2026-12-01T15:00:30.250Z')
    const runs: Date[] = []
    const job: Job = { name: 'by-hand', cron: '0 7 * * *', run: async (_tx, slot) => void runs.push(slot) }
    const scheduler = createScheduler({ db: database.db, jobs: [job], logger: silentLogger, now: () => at })
    expect(await scheduler.runNow('by-hand')).toBe('ran')
    expect(runs).toEqual([at])
    expect(await scheduler.list()).toEqual([{ name: 'by-hand', cron: '0 7 * * *', lastSlot: at, finishedAt: expect.any(Date) }])
    await expect(scheduler.runNow('nope')).rejects.toThrow(NotFoundError)
    await expect(scheduler.runNow('nope')).rejects.toThrow(/by-hand/)
  })
})

/** Runs the CLI as a function against DATA_DIR, collecting what it prints. */
async function cli(dataDir: string, ...argv: string[]) {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, { out: (t) => out.push(t), err: (t) => err.push(t), env: { DATA_DIR: dataDir } })
  return { code, out: out.join('\n'), err: err.join('\n') }
}

describe.each(databaseKinds)('jobs through the CLI on %s', (kind) => {
  let database: Database
  let composed: Composed
  let bridge: CliBridge
  let server: ServerType
  let dataDir: string
  // Another live process holding the lock stands for "the app runs": the CLI goes through it.
  const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 120000)'])

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
    dataDir = mkdtempSync(join(tmpdir(), 'dialogo-jobs-cli-'))
    bridge = openCliBridge(composed.app, database.db, dataDir, undefined, composed.scheduler)
    const port = await new Promise<number>((resolve) => {
      server = serve({ fetch: composed.app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port))
    })
    bridge.publish(port)
    writeFileSync(join(dataDir, 'dialogo.lock'), String(holder.pid))
  })
  afterAll(async () => {
    holder.kill()
    bridge.close()
    await new Promise((resolve) => server.close(resolve))
    await database.close()
  })

  it('lists every job with its last run, runs one by name, and then shows that run', async () => {
    const before = await cli(dataDir, 'jobs', 'list')
    expect(before.code).toBe(0)
    for (const name of ['case-escalation', 'case-follow-up', 'staff-digest']) expect(before.out).toMatch(new RegExp(`^${name}\\s+.*never run$`, 'm'))

    const ran = await cli(dataDir, 'jobs', 'run', 'staff-digest')
    expect(ran).toMatchObject({ code: 0, out: 'job staff-digest ran' })
    expect((await cli(dataDir, 'jobs', 'list')).out).toMatch(/^staff-digest\s+0 7 \* \* \*\s+last run for \d{4}-/m)
  })

  it('names the known jobs when asked to run an unknown one, and asks for a name', async () => {
    const unknown = await cli(dataDir, 'jobs', 'run', 'digest')
    expect(unknown.code).toBe(1)
    expect(unknown.err).toContain('case-escalation')
    const nameless = await cli(dataDir, 'jobs', 'run')
    expect(nameless.code).toBe(2)
    expect(nameless.err).toContain('jobs run NAME')
  })
})
