import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { DbOrTx } from '../../db/client.js'
import { caseStats, units } from '../../db/schema/index.js'
import { shiftMonth } from './load-publication-input.js'

/** A month's counts behind one unit's league row, frozen with the month when it is issued. */
export type MonthDue = { due: number; inTime: number }

/** The times behind one league row over a window, worked out afresh at every build. */
export type WindowTimes = {
  acknowledged: number
  medianAck: number | null
  p90Ack: number | null
  closed: number
  medianClose: number | null
  p90Close: number | null
}

const dayRange = (first: string, last: string) => sql`${caseStats.day} >= ${`${first}-01`}::date and ${caseStats.day} < ${`${shiftMonth(last, 1)}-01`}::date`

const DueSchema = z.object({ month: z.string(), unit: z.string().nullable(), due: z.coerce.number(), inTime: z.coerce.number() })

/**
 * Per month (of `months`) and unit code: the cases "due" when the month is issued (closed, or past
 * their deadline) and those closed (resolved or rejected) at or before their deadline. These are
 * counts, so they are frozen with their month like its cells: recounted at every build, the
 * difference between two releases would say how many of an old month's cases closed in between.
 */
export async function monthlyDue(db: DbOrTx, months: readonly string[], builtAt: Date): Promise<Map<string, Map<string, MonthDue>>> {
  const out = new Map<string, Map<string, MonthDue>>()
  const sorted = [...months].sort()
  const [first, last] = [sorted[0], sorted.at(-1)]
  if (first === undefined || last === undefined) return out
  const s = caseStats
  const at = builtAt.toISOString()
  const raw = await db
    .select({
      month: sql<string>`to_char(${s.day}, 'YYYY-MM')`,
      unit: units.code,
      due: sql<number>`(count(*) filter (where ${s.dueAt} is not null and (${s.closedAt} is not null or ${s.dueAt} <= ${at}::timestamptz)))::int`,
      inTime: sql<number>`(count(*) filter (where ${s.closedAt} <= ${s.dueAt}))::int`,
    })
    .from(s)
    .leftJoin(units, sql`${units.id} = ${s.unitId}`)
    .where(dayRange(first, last))
    .groupBy(sql`1`, units.code)
  for (const row of raw) {
    const { month, unit, ...due } = DueSchema.parse(row)
    if (!months.includes(month)) continue
    const byUnit = out.get(month) ?? new Map<string, MonthDue>()
    out.set(month, byUnit)
    byUnit.set(unit ?? '', due)
  }
  return out
}

const maybe = z.coerce.number().nullable()
const TimesSchema = z.object({ unit: z.string().nullable(), acknowledged: z.coerce.number(), medianAck: maybe, p90Ack: maybe, closed: z.coerce.number(), medianClose: maybe, p90Close: maybe })

/**
 * The league's times per unit code over the whole months [first, last]: hours to the first
 * acknowledgement and to the first closing, median and 90th percentile. Not counts: they are
 * published only beside a published case count of the same window (build-publication.ts).
 */
export async function windowTimes(db: DbOrTx, first: string, last: string): Promise<Map<string, WindowTimes>> {
  const s = caseStats
  const raw = await db
    .select({
      unit: units.code,
      acknowledged: sql<number>`count(${s.hoursToAcknowledge})::int`,
      medianAck: sql<number | null>`percentile_cont(0.5) within group (order by ${s.hoursToAcknowledge})::float8`,
      p90Ack: sql<number | null>`percentile_cont(0.9) within group (order by ${s.hoursToAcknowledge})::float8`,
      closed: sql<number>`count(${s.hoursToClose})::int`,
      medianClose: sql<number | null>`percentile_cont(0.5) within group (order by ${s.hoursToClose})::float8`,
      p90Close: sql<number | null>`percentile_cont(0.9) within group (order by ${s.hoursToClose})::float8`,
    })
    .from(s)
    .leftJoin(units, sql`${units.id} = ${s.unitId}`)
    .where(dayRange(first, last))
    .groupBy(units.code)
  return new Map(
    raw.map((row) => {
      const { unit, ...times } = TimesSchema.parse(row)
      return [unit ?? '', times]
    }),
  )
}
