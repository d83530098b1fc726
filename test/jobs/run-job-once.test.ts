import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Database, openDatabase } from '../../src/db/client.js'
import { type Job, runJobOnce } from '../../src/jobs/run-job-once.js'
import { slotOf } from '../../src/jobs/scheduler.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

function countingJob(name: string, work: () => Promise<void> = async () => {}) {
  const runs: Date[] = []
  const job: Job = {
    name,
    cron: '* * * * *',
    run: async (_tx, slot) => {
      await work()
      runs.push(slot)
    },
  }
  return { job, runs }
}

describe.each(databaseKinds)('runJobOnce on %s', (kind) => {
  let database: Database & { url?: string }
  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })

  it('runs a job once per slot and again for the next slot', async () => {
    const { job, runs } = countingJob('digest')
    const slot = new Date('2026-11-25T13:00:00Z')
    expect(await runJobOnce(database.db, job, slot)).toBe('ran')
    expect(await runJobOnce(database.db, job, slot)).toBe('skipped')
    expect(await runJobOnce(database.db, job, new Date('2026-11-25T13:05:00Z'))).toBe('ran')
    expect(runs).toHaveLength(2)
  })

  it('does not record a slot whose run failed, so it runs again', async () => {
    let fail = true
    const { job, runs } = countingJob('flaky', async () => {
      if (fail) throw new Error('boom')
    })
    const slot = new Date('2026-11-25T14:00:00Z')
    await expect(runJobOnce(database.db, job, slot)).rejects.toThrow('boom')
    fail = false
    expect(await runJobOnce(database.db, job, slot)).toBe('ran')
    expect(runs).toHaveLength(1)
  })

  it('runs a job once when two app instances fire it for the same slot at the same time', async () => {
    const second = database.url ? await openDatabase({ kind: 'postgres', url: database.url, maxConnections: 2 }) : database
    try {
      const { job, runs } = countingJob('escalation', () => new Promise((resolve) => setTimeout(resolve, 200)))
      const slot = new Date('2026-11-25T15:00:00Z')
      const outcomes = await Promise.all([runJobOnce(database.db, job, slot), runJobOnce(second.db, job, slot)])
      expect(outcomes.sort()).toEqual(['ran', 'skipped'])
      expect(runs).toHaveLength(1)
    } finally {
      if (second !== database) await second.close()
    }
  })
})

describe('slotOf', () => {
  it('truncates to the minute so instances a few seconds apart share a slot', () => {
    expect(slotOf(new Date('2026-11-25T15:00:41.500Z')).toISOString()).toBe('2026-11-25T15:00:00.000Z')
  })
})
