import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/client.js'
import { caseEvents, caseStats, caseStatsMonthly, cases, STATS_SHARDS, units } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { removeCaseStats, shardOf, syncCaseStats } from '../../src/stats/sync-case-stats.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { fileCases } from './seed-stats-cases.js'
import type { Tx } from '../../src/db/client.js'

const FILED = new Date('2026-03-31T20:00:00Z')

describe.each(databaseKinds)('syncCaseStats on %s', (kind) => {
  let database: Database

  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db, './seed/directory.json')
  })
  afterAll(async () => {
    await database.close()
  })

  // a count is the sum of its shards
  const monthly = () =>
    database.db
      .select({ month: caseStatsMonthly.month, unit: units.code, status: caseStatsMonthly.status, cases: sql<number>`sum(${caseStatsMonthly.cases})::int` })
      .from(caseStatsMonthly)
      .innerJoin(units, eq(units.id, caseStatsMonthly.unitId))
      .groupBy(caseStatsMonthly.month, units.code, caseStatsMonthly.status)
      .having(sql`sum(${caseStatsMonthly.cases}) <> 0`)
      .orderBy(caseStatsMonthly.status)

  it('counts a new case on its Guatemala filing day and month, by the unit it was routed to', async () => {
    const [code] = await fileCases(database.db, 1, { sector: 'health', category: 'medicine_shortage', department: '01', municipality: '0108' }, FILED)
    const [row] = await database.db.select().from(caseStats).innerJoin(cases, eq(cases.id, caseStats.caseId)).where(eq(cases.code, code ?? ''))
    // 20:00 UTC on 31 March is 14:00 in Guatemala: still March
    expect(row?.case_stats.day).toBe('2026-03-31')
    expect(await monthly()).toEqual([{ month: '2026-03-01', unit: 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE', status: 'routed', cases: 1 }])
  })

  it('moves the count to the new unit when a case is reassigned, and takes it out when the case is removed', async () => {
    const [kase] = await database.db.select().from(cases)
    const [target] = await database.db.select().from(units).where(eq(units.code, 'MSPAS-CENTRAL'))
    if (!kase || !target) throw new Error('fixture missing')
    await database.db.transaction(async (tx) => {
      await tx.update(cases).set({ unitId: target.id }).where(eq(cases.id, kase.id))
      await tx.insert(caseEvents).values({ caseId: kase.id, actor: 'token:admin', type: 'reassigned', unitId: target.id })
      await syncCaseStats(tx, kase.id)
    })
    expect(await monthly()).toEqual([{ month: '2026-03-01', unit: 'MSPAS-CENTRAL', status: 'routed', cases: 1 }])

    await database.db.transaction(async (tx) => {
      await removeCaseStats(tx, kase.id)
      await tx.delete(cases).where(eq(cases.id, kase.id))
    })
    expect(await monthly()).toEqual([])
    expect(await database.db.select().from(caseStats)).toEqual([])
  })

  const kind0 = { sector: 'health', category: 'medicine_shortage', department: '01', municipality: '0108' } as const

  it('spreads cases filed about the same thing over several rows and reads their count summed', async () => {
    await fileCases(database.db, 12, kind0, FILED)
    const shards = await database.db.selectDistinct({ shard: caseStatsMonthly.shard }).from(caseStatsMonthly)
    expect(shards.length).toBeGreaterThan(1)
    expect(shards.every(({ shard }) => shard >= 0 && shard < STATS_SHARDS)).toBe(true)
    expect(await monthly()).toEqual([{ month: '2026-03-01', unit: 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE', status: 'routed', cases: 12 }])
  })

  const acknowledge = async (tx: Tx, caseId: string) => {
    await tx.update(cases).set({ status: 'acknowledged' }).where(eq(cases.id, caseId))
    await tx.insert(caseEvents).values({ caseId, actor: 'token:admin', type: 'acknowledged', fromStatus: 'routed', toStatus: 'acknowledged' })
    await syncCaseStats(tx, caseId)
  }

  if (kind === 'postgres') {
    it('lets two offices change cases of the same kind at once without waiting on each other\'s counts', async () => {
      const filed = await database.db.select({ id: cases.id }).from(cases).where(eq(cases.status, 'routed'))
      const first = filed[0]
      const second = filed.find((row) => first && shardOf(row.id) !== shardOf(first.id))
      if (!first || !second) throw new Error('fixture: two cases in different shards')
      await database.db.transaction(async (one) => {
        await acknowledge(one, first.id)
        // the first change is not committed yet; the second, on another connection, must not wait for it
        await database.db.transaction(async (other) => {
          await other.execute(sql`set local lock_timeout = '5s'`)
          await acknowledge(other, second.id)
        })
      })
      expect(await monthly()).toEqual([
        { month: '2026-03-01', unit: 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE', status: 'acknowledged', cases: 2 },
        { month: '2026-03-01', unit: 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE', status: 'routed', cases: 10 },
      ])
    })
  }
})
