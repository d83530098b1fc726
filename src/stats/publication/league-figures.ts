import { sql } from 'drizzle-orm'
import { z } from 'zod'
import type { DbOrTx } from '../../db/client.js'
import { caseStats, units } from '../../db/schema/index.js'
import { shiftMonth } from './load-publication-input.js'

/** The figures behind one league row: counts, and times over the cases they count. */
export type LeagueRow = {
  due: number
  inTime: number
  acknowledged: number
  medianAck: number | null
  p90Ack: number | null
  closed: number
  medianClose: number | null
  p90Close: number | null
}

const maybe = z.coerce.number().nullable()
const RowSchema = z.object({
  unit: z.string().nullable(),
  due: z.coerce.number(),
  inTime: z.coerce.number(),
  acknowledged: z.coerce.number(),
  medianAck: maybe,
  p90Ack: maybe,
  closed: z.coerce.number(),
  medianClose: maybe,
  p90Close: maybe,
})

/**
 * The league's figures per unit code over the whole months [first, last]: "due" cases are those
 * closed or past their deadline when the publication is built; a case closed (resolved or
 * rejected) at or before its deadline is on time.
 */
export async function leagueFigures(db: DbOrTx, first: string, last: string, builtAt: Date): Promise<Map<string, LeagueRow>> {
  const s = caseStats
  const at = builtAt.toISOString()
  const raw = await db
    .select({
      unit: units.code,
      due: sql<number>`(count(*) filter (where ${s.dueAt} is not null and (${s.closedAt} is not null or ${s.dueAt} <= ${at}::timestamptz)))::int`,
      inTime: sql<number>`(count(*) filter (where ${s.closedAt} <= ${s.dueAt}))::int`,
      acknowledged: sql<number>`count(${s.hoursToAcknowledge})::int`,
      medianAck: sql<number | null>`percentile_cont(0.5) within group (order by ${s.hoursToAcknowledge})::float8`,
      p90Ack: sql<number | null>`percentile_cont(0.9) within group (order by ${s.hoursToAcknowledge})::float8`,
      closed: sql<number>`count(${s.hoursToClose})::int`,
      medianClose: sql<number | null>`percentile_cont(0.5) within group (order by ${s.hoursToClose})::float8`,
      p90Close: sql<number | null>`percentile_cont(0.9) within group (order by ${s.hoursToClose})::float8`,
    })
    .from(s)
    .leftJoin(units, sql`${units.id} = ${s.unitId}`)
    .where(sql`${s.day} >= ${`${first}-01`}::date and ${s.day} < ${`${shiftMonth(last, 1)}-01`}::date`)
    .groupBy(units.code)
  return new Map(
    raw.map((row) => {
      const { unit, ...figures } = RowSchema.parse(row)
      return [unit ?? '', figures]
    }),
  )
}
