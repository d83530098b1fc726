import { eq, sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database, Db, Tx } from '../../src/db/client.js'
import { caseEvents, caseStats, caseStatsMonthly, caseStatsMonthlyByUnit, cases, units } from '../../src/db/schema/index.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { removeCaseStats, syncCaseStats } from '../../src/stats/sync-case-stats.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { fileCases } from './seed-stats-cases.js'

const MARCH = new Date('2026-03-10T16:00:00Z')
const APRIL = new Date('2026-04-02T16:00:00Z')
const MAY = new Date('2026-05-05T16:00:00Z')
const KIND = { sector: 'health', category: 'medicine_shortage', department: '01', municipality: '0108' } as const
const FILED_UNIT = 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE'

/** Every non-zero count of one monthly table by month, unit and status, its shards summed. */
function countsIn(db: Db, table: typeof caseStatsMonthly | typeof caseStatsMonthlyByUnit) {
  return db
    .select({ month: table.month, unit: units.code, status: table.status, cases: sql<number>`sum(${table.cases})::int` })
    .from(table)
    .innerJoin(units, eq(units.id, table.unitId))
    .groupBy(table.month, units.code, table.status)
    .having(sql`sum(${table.cases}) <> 0`)
    .orderBy(table.month, units.code, table.status)
}

describe.each(databaseKinds)('syncCaseStats moving a case on %s', (kind) => {
  let database: Database

  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db, './seed/directory.json')
  })
  afterAll(async () => {
    await database.close()
  })

  const bothTables = async () => ({ monthly: await countsIn(database.db, caseStatsMonthly), byUnit: await countsIn(database.db, caseStatsMonthlyByUnit) })
  const caseOf = async (code: string | undefined) => {
    const [kase] = await database.db.select().from(cases).where(eq(cases.code, code ?? ''))
    if (!kase) throw new Error(`fixture: no case ${code}`)
    return kase
  }

  it('takes a case reassigned, acknowledged and redated to another month out of every old count and into the new one, in both monthly tables', async () => {
    const [moved, stays] = await fileCases(database.db, 2, KIND, MARCH)
    const kase = await caseOf(moved)
    const [target] = await database.db.select().from(units).where(eq(units.code, 'MSPAS-CENTRAL'))
    if (!target) throw new Error('fixture: no MSPAS-CENTRAL')
    const acknowledgedAt = new Date(APRIL.getTime() + 3 * 3_600_000)
    await database.db.transaction(async (tx) => {
      await tx.update(cases).set({ unitId: target.id, status: 'acknowledged', createdAt: APRIL }).where(eq(cases.id, kase.id))
      await tx.insert(caseEvents).values({ caseId: kase.id, at: acknowledgedAt, actor: 'token:admin', type: 'acknowledged', fromStatus: 'routed', toStatus: 'acknowledged', unitId: target.id })
      await syncCaseStats(tx, kase.id)
    })
    const expected = [
      { month: '2026-03-01', unit: FILED_UNIT, status: 'routed', cases: 1 },
      { month: '2026-04-01', unit: 'MSPAS-CENTRAL', status: 'acknowledged', cases: 1 },
    ]
    expect(await bothTables()).toEqual({ monthly: expected, byUnit: expected })
    const [row] = await database.db.select().from(caseStats).where(eq(caseStats.caseId, kase.id))
    expect(row).toMatchObject({ day: '2026-04-02', unitId: target.id, status: 'acknowledged', acknowledgedAt, hoursToAcknowledge: 3 })

    // synced again with nothing changed: the row is rewritten in place, no count moves
    await database.db.transaction((tx) => syncCaseStats(tx, kase.id))
    expect(await bothTables()).toEqual({ monthly: expected, byUnit: expected })

    await database.db.transaction((tx) => removeCaseStats(tx, kase.id))
    const left = [{ month: '2026-03-01', unit: FILED_UNIT, status: 'routed', cases: 1 }]
    expect(await bothTables()).toEqual({ monthly: left, byUnit: left })
    const rows = await database.db.select({ caseId: caseStats.caseId }).from(caseStats)
    expect(rows).toEqual([{ caseId: (await caseOf(stays)).id }])
  })

  /**
   * Changes a case and syncs it in one transaction; before that commits, a second sync of the case
   * starts on another connection and waits on the stats row the first locked. Answers how the
   * second ended: 'synced', or its error.
   */
  const secondSyncWaitingOn = async (caseId: string, change: (tx: Tx) => Promise<unknown>): Promise<unknown> => {
    let second: Promise<unknown> = Promise.resolve()
    await database.db.transaction(async (one) => {
      await change(one)
      await syncCaseStats(one, caseId)
      second = database.db
        .transaction(async (other) => {
          await other.execute(sql`set local lock_timeout = '10s'`)
          await syncCaseStats(other, caseId)
        })
        .then(
          () => 'synced',
          (error: unknown) => error,
        )
      await untilOneWaitsOnALock(database.db)
    })
    return second
  }

  if (kind === 'postgres') {
    it('writes a case\'s row as a change left it when a second sync of the case waited for that change to commit', async () => {
      // filed in a month of its own, so its counts are the only ones there
      const [code] = await fileCases(database.db, 1, KIND, MAY)
      const kase = await caseOf(code)
      const extended = new Date(MAY.getTime() + 30 * 24 * 3_600_000)
      // the waiting sync must read the case as this change left it, not as it was when it began
      expect(await secondSyncWaitingOn(kase.id, (one) => one.update(cases).set({ dueAt: extended }).where(eq(cases.id, kase.id)))).toBe('synced')
      const [row] = await database.db.select({ dueAt: caseStats.dueAt }).from(caseStats).where(eq(caseStats.caseId, kase.id))
      expect(row?.dueAt).toEqual(extended)
      const { monthly, byUnit } = await bothTables()
      const inMay = [{ month: '2026-05-01', unit: FILED_UNIT, status: 'routed', cases: 1 }]
      expect(monthly.filter((count) => count.month === '2026-05-01')).toEqual(inMay)
      expect(byUnit.filter((count) => count.month === '2026-05-01')).toEqual(inMay)
    })

    it('moves a case\'s counts once when a second sync of the case waited for a change that moved them', async () => {
      const JUNE = new Date('2026-06-08T16:00:00Z')
      const [code] = await fileCases(database.db, 1, KIND, JUNE)
      const kase = await caseOf(code)
      // a new status: the case leaves its monthly row for another, its stats row is rewritten; the
      // waiting sync finds the row the change left (not a deleted one), and moves nothing again
      expect(await secondSyncWaitingOn(kase.id, (one) => one.update(cases).set({ status: 'acknowledged' }).where(eq(cases.id, kase.id)))).toBe('synced')
      const inJune = [{ month: '2026-06-01', unit: FILED_UNIT, status: 'acknowledged', cases: 1 }]
      const { monthly, byUnit } = await bothTables()
      expect(monthly.filter((count) => count.month === '2026-06-01')).toEqual(inJune)
      expect(byUnit.filter((count) => count.month === '2026-06-01')).toEqual(inJune)
    })
  }

  // last: the cases it files would stand in the counts the tests above compare whole
  it('files a case\'s statistics row and counts as syncCaseStats computes them from the case', async () => {
    // a plain case, and an urgent one (escalated at once to the unit above: status and unit differ)
    const AUGUST = new Date('2026-08-04T03:30:00Z')
    const codes = [...(await fileCases(database.db, 1, KIND, AUGUST)), ...(await fileCases(database.db, 1, { ...KIND, category: 'life_at_risk' }, AUGUST))]
    for (const code of codes) {
      const kase = await caseOf(code)
      const rowOf = async () => (await database.db.select().from(caseStats).where(eq(caseStats.caseId, kase.id)))[0]
      const filed = await rowOf()
      const counts = await bothTables()
      // computed again from the case and its events: nothing to move, nothing to change
      await database.db.transaction((tx) => syncCaseStats(tx, kase.id))
      expect(await rowOf()).toEqual(filed)
      expect(await bothTables()).toEqual(counts)
      expect(filed).toMatchObject({ day: '2026-08-03', unitId: kase.unitId, status: kase.status, dueAt: kase.dueAt, acknowledgedAt: null })
    }
    const { monthly } = await bothTables()
    expect(monthly.filter((count) => count.month === '2026-08-01').reduce((sum, count) => sum + count.cases, 0)).toBe(2)
  })
})

/** Resolves once another connection of this database waits on a row lock (up to 5 s). */
async function untilOneWaitsOnALock(db: Db): Promise<void> {
  const deadline = Date.now() + 5_000
  while (Date.now() < deadline) {
    const [found] = await db
      .select({ waiting: sql<number>`count(*)::int` })
      .from(sql`pg_stat_activity`)
      .where(sql`datname = current_database() and wait_event_type = 'Lock'`)
    if ((found?.waiting ?? 0) > 0) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('no connection started waiting on the lock')
}
