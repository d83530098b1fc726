import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { caseEvents, caseStats, caseStatsMonthly, caseStatsMonthlyByUnit, cases, municipalities, STATS_SHARDS, units } from '../db/schema/index.js'
import { guatemalaDate } from '../cases/guatemala-date.js'

/** Stands for "no unit" in the monthly key, whose columns cannot be null. */
export const NO_UNIT = '00000000-0000-0000-0000-000000000000'

type StatsRow = typeof caseStats.$inferSelect

const HOUR_MS = 3_600_000

function hoursBetween(from: Date, to: Date | null): number | null {
  return to === null ? null : (to.getTime() - from.getTime()) / HOUR_MS
}

/** The monthly key a stats row counts under. */
function monthlyKey(row: StatsRow) {
  return {
    month: `${row.day.slice(0, 7)}-01`,
    unitId: row.unitId ?? NO_UNIT,
    institutionId: row.institutionId ?? NO_UNIT,
    departmentCode: row.departmentCode,
    municipalityCode: row.municipalityCode,
    sector: row.sector,
    category: row.category,
    status: row.status,
  }
}

/**
 * The shard a case counts in: its own, so cases filed at once about the same thing mostly lock
 * different rows (a count is read summed over its shards). The first bytes of the random UUID.
 */
export function shardOf(caseId: string): number {
  return Number.parseInt(caseId.slice(0, 8), 16) % STATS_SHARDS
}

async function addToMonthly(tx: DbOrTx, row: StatsRow, delta: 1 | -1): Promise<void> {
  const key = monthlyKey(row)
  const shard = shardOf(row.caseId)
  await tx
    .insert(caseStatsMonthly)
    .values({ ...key, shard, cases: delta })
    .onConflictDoUpdate({
      target: [caseStatsMonthly.month, caseStatsMonthly.unitId, caseStatsMonthly.municipalityCode, caseStatsMonthly.category, caseStatsMonthly.status, caseStatsMonthly.sector, caseStatsMonthly.shard],
      set: { cases: sql`${caseStatsMonthly.cases} + ${delta}` },
    })
  const byUnit = { month: key.month, unitId: key.unitId, institutionId: key.institutionId, departmentCode: key.departmentCode, sector: key.sector, category: key.category, status: key.status }
  await tx
    .insert(caseStatsMonthlyByUnit)
    .values({ ...byUnit, shard, cases: delta })
    .onConflictDoUpdate({
      target: [caseStatsMonthlyByUnit.month, caseStatsMonthlyByUnit.unitId, caseStatsMonthlyByUnit.departmentCode, caseStatsMonthlyByUnit.category, caseStatsMonthlyByUnit.status, caseStatsMonthlyByUnit.sector, caseStatsMonthlyByUnit.shard],
      set: { cases: sql`${caseStatsMonthlyByUnit.cases} + ${delta}` },
    })
}

async function currentRow(tx: DbOrTx, caseId: string): Promise<StatsRow | null> {
  // the case and its events asked together: one round trip
  const [[found], events] = await Promise.all([
    tx
      .select({
        createdAt: cases.createdAt,
        unitId: cases.unitId,
        institutionId: units.institutionId,
        departmentCode: municipalities.departmentCode,
        municipalityCode: cases.municipalityCode,
        sector: cases.sector,
        category: cases.category,
        status: cases.status,
        dueAt: cases.dueAt,
      })
      .from(cases)
      .innerJoin(municipalities, eq(municipalities.code, cases.municipalityCode))
      .leftJoin(units, eq(units.id, cases.unitId))
      .where(eq(cases.id, caseId)),
    tx
      .select({ at: caseEvents.at, toStatus: caseEvents.toStatus })
      .from(caseEvents)
      .where(and(eq(caseEvents.caseId, caseId), inArray(caseEvents.toStatus, ['acknowledged', 'resolved', 'rejected'])))
      .orderBy(asc(caseEvents.at), asc(caseEvents.id)),
  ])
  if (!found) return null
  // The first acknowledgement and the first closing count: a reopened case keeps its first answer time.
  const acknowledgedAt = events.find((e) => e.toStatus === 'acknowledged')?.at ?? null
  const closedAt = events.find((e) => e.toStatus === 'resolved' || e.toStatus === 'rejected')?.at ?? null
  const { createdAt, ...rest } = found
  return {
    ...rest,
    caseId,
    day: guatemalaDate(createdAt),
    acknowledgedAt,
    closedAt,
    hoursToAcknowledge: hoursBetween(createdAt, acknowledgedAt),
    hoursToClose: hoursBetween(createdAt, closedAt),
  }
}

/**
 * Brings a case's statistics row and the monthly counts in line with the case as it now is.
 * Call it in the same transaction as every change to a case or its events (creation, transition,
 * reassignment), after the change: the counts then never disagree with the cases.
 */
export async function syncCaseStats(tx: DbOrTx, caseId: string): Promise<void> {
  // Locking the old row serialises two changes of one case, so the monthly move happens once.
  const [before] = await tx.select().from(caseStats).where(eq(caseStats.caseId, caseId)).for('update')
  const after = await currentRow(tx, caseId)
  if (before && after && JSON.stringify(monthlyKey(before)) === JSON.stringify(monthlyKey(after))) {
    await tx.update(caseStats).set(after).where(eq(caseStats.caseId, caseId))
    return
  }
  if (before) {
    await addToMonthly(tx, before, -1)
    await tx.delete(caseStats).where(eq(caseStats.caseId, caseId))
  }
  if (after) {
    await addToMonthly(tx, after, 1)
    await tx.insert(caseStats).values(after)
  }
}

/** Takes a case out of the statistics; call it before deleting the case (the row would cascade away). */
export async function removeCaseStats(tx: DbOrTx, caseId: string): Promise<void> {
  const [before] = await tx.select().from(caseStats).where(eq(caseStats.caseId, caseId)).for('update')
  if (!before) return
  await addToMonthly(tx, before, -1)
  await tx.delete(caseStats).where(eq(caseStats.caseId, caseId))
}
