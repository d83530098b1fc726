import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/client.js'
import { caseEvents, caseStats, caseStatsMonthly, cases, units } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { removeCaseStats, syncCaseStats } from '../../src/stats/sync-case-stats.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { fileCases } from './seed-stats-cases.js'

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

  const monthly = () =>
    database.db
      .select({ month: caseStatsMonthly.month, unit: units.code, status: caseStatsMonthly.status, cases: caseStatsMonthly.cases })
      .from(caseStatsMonthly)
      .innerJoin(units, eq(units.id, caseStatsMonthly.unitId))
      .where(sql`${caseStatsMonthly.cases} <> 0`)

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
})
