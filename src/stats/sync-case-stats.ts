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

/** A statement built but not yet sent: a drizzle query runs when `execute` (or `then`) is called. */
type Statement = { execute: () => Promise<unknown> }

/**
 * Sends the statements together, in list order, and waits for all: postgres.js pipelines what a
 * transaction's connection is given at once (one round trip once the statements are prepared on
 * it; PGlite queues them) and PostgreSQL runs them in the order sent, so the list order is the
 * order of their effects and row locks. `execute` starts each one now, in that order (builders
 * handed to Promise.all start a tick later, behind any promise already started beside them). If
 * one fails, its own error is thrown: those after it fail with "current transaction is aborted",
 * answered later, and Promise.all handles those rejections.
 */
async function sendInOrder(statements: readonly Statement[]): Promise<void> {
  await Promise.all(statements.map((statement) => statement.execute()))
}

/**
 * The two upserts that add `delta` to the counts a stats row counts under, not yet sent. Written
 * as SQL of their own: drizzle's building of an upsert with a seven-column conflict target showed
 * in the profile of every filing (they run with every case change).
 */
function monthlyUpserts(tx: DbOrTx, row: StatsRow, delta: 1 | -1): Statement[] {
  const key = monthlyKey(row)
  const shard = shardOf(row.caseId)
  const month = sql`${key.month}::date`
  const unit = sql`${key.unitId}::uuid, ${key.institutionId}::uuid, ${key.departmentCode}`
  const kind = sql`${key.sector}, ${key.category}, ${key.status}, ${shard}, ${delta}`
  return [
    tx.execute(sql`insert into ${caseStatsMonthly} (month, unit_id, institution_id, department_code, municipality_code, sector, category, status, shard, cases)
      values (${month}, ${unit}, ${key.municipalityCode}, ${kind})
      on conflict (month, unit_id, municipality_code, category, status, sector, shard) do update set cases = case_stats_monthly.cases + excluded.cases`),
    tx.execute(sql`insert into ${caseStatsMonthlyByUnit} (month, unit_id, institution_id, department_code, sector, category, status, shard, cases)
      values (${month}, ${unit}, ${kind})
      on conflict (month, unit_id, department_code, category, status, sector, shard) do update set cases = case_stats_monthly_by_unit.cases + excluded.cases`),
  ]
}

/** The case's statistics row as it was, locked until the transaction ends. */
function lockStatsRow(tx: DbOrTx, caseId: string) {
  return tx.select().from(caseStats).where(eq(caseStats.caseId, caseId)).for('update')
}

/** The case with what its statistics row needs of its unit and municipality. */
function selectCase(tx: DbOrTx, caseId: string) {
  return tx
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
    .where(eq(cases.id, caseId))
}

/** The case's events that set its answer and closing times, oldest first. */
function selectTimingEvents(tx: DbOrTx, caseId: string) {
  return tx
    .select({ at: caseEvents.at, toStatus: caseEvents.toStatus })
    .from(caseEvents)
    .where(and(eq(caseEvents.caseId, caseId), inArray(caseEvents.toStatus, ['acknowledged', 'resolved', 'rejected'])))
    .orderBy(asc(caseEvents.at), asc(caseEvents.id))
}

type FoundCase = Awaited<ReturnType<typeof selectCase>>[number]
type TimingEvent = Awaited<ReturnType<typeof selectTimingEvents>>[number]

/** The statistics row for the case as it now is, from what the two reads above returned. */
function statsRowOf(caseId: string, found: FoundCase, events: readonly TimingEvent[]): StatsRow {
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
 * Two round trips: the reads together, then the writes together.
 */
export async function syncCaseStats(tx: DbOrTx, caseId: string): Promise<void> {
  // Sent together (one round trip) and run in this order. Locking the old row serialises two
  // changes of one case, so the monthly move happens once; it goes first so that the reads of the
  // case and its events, each taking its snapshot when it starts, see the case as it is once the
  // lock is held. Each `execute` starts its statement now, in the order written.
  const [[before], [found], events] = await Promise.all([
    lockStatsRow(tx, caseId).execute(),
    selectCase(tx, caseId).execute(),
    selectTimingEvents(tx, caseId).execute(),
  ])
  const after = found ? statsRowOf(caseId, found, events) : null
  if (before && after && JSON.stringify(monthlyKey(before)) === JSON.stringify(monthlyKey(after))) {
    await tx.update(caseStats).set(after).where(eq(caseStats.caseId, caseId))
    return
  }
  // Sent together, in the order they ran one by one (the old counts out, then the new counts in),
  // so rows are locked in the same order and the results are those of one by one. A row that
  // stays is updated in place, not deleted and inserted again: a second sync of the case waiting
  // on its lock then finds the row this one left (a deleted row it would skip, and its insert
  // would collide with the new one).
  const statements = [...(before ? monthlyUpserts(tx, before, -1) : []), ...(after ? monthlyUpserts(tx, after, 1) : [])]
  if (before && after) statements.push(tx.update(caseStats).set(after).where(eq(caseStats.caseId, caseId)))
  else if (before) statements.push(tx.delete(caseStats).where(eq(caseStats.caseId, caseId)))
  else if (after) statements.push(tx.insert(caseStats).values(after))
  await sendInOrder(statements)
}

/**
 * Counts a case filed in this transaction, from its row as the filing knows it: what
 * `syncCaseStats` would write, without reading the case back or locking (no other transaction can
 * see a case not yet committed). One round trip.
 */
export async function addNewCaseStats(tx: DbOrTx, row: StatsRow): Promise<void> {
  await sendInOrder([...monthlyUpserts(tx, row, 1), tx.insert(caseStats).values(row)])
}

/** Takes a case out of the statistics; call it before deleting the case (the row would cascade away). */
export async function removeCaseStats(tx: DbOrTx, caseId: string): Promise<void> {
  const [before] = await lockStatsRow(tx, caseId)
  if (!before) return
  // sent together, in the order they ran one by one
  await sendInOrder([...monthlyUpserts(tx, before, -1), tx.delete(caseStats).where(eq(caseStats.caseId, caseId))])
}
