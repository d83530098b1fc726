import { type SQL, eq, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { DbOrTx } from '../db/client.js'
import { caseStats, cases } from '../db/schema/index.js'
import { type StatsAnswer, answerColumns } from './count-cases.js'
import { describeDimension } from './describe-dimension.js'
import { loadReferenceNames } from './reference-names.js'
import { casesSource, columnOf, filterConditions } from './stats-source.js'
import { type StatsQuery, filtersOf, namesNeeded } from './stats-query.js'
import { publishCount, suppressCells } from './suppress.js'

const FIGURES = [
  'cases',
  'medianHoursToAcknowledge',
  'p90HoursToAcknowledge',
  'medianHoursToResolve',
  'p90HoursToResolve',
  'due',
  'resolvedWithinDeadlinePercent',
  'followUpsAsked',
  'followUpsYes',
  'followUpsNo',
  'followUpsUnanswered',
  'satisfiedPercent',
] as const

const num = z.coerce.number()
const maybe = z.coerce.number().nullable()
const FigureRowSchema = z.object({
  period: z.string().optional(),
  cases: num,
  acknowledged: num,
  medianAck: maybe,
  p90Ack: maybe,
  closed: num,
  medianClose: maybe,
  p90Close: maybe,
  due: num,
  inTime: num,
  asked: num,
  yes: num,
  no: num,
  unanswered: num,
})

const round1 = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10)

/**
 * Times to acknowledge and to resolve (median and 90th percentile, hours) and the share of cases
 * resolved within their deadline, by the unit (or any other grouping) that held each case. "Due"
 * cases are those closed or past their deadline at `now`; a case closed (resolved or rejected) at
 * or before its deadline is on time. A time or share over fewer than k cases is left out (null).
 *
 * Satisfaction: of the cases whose citizen was asked "was it solved?" after their latest
 * resolution, how many said yes, no, or did not answer within a week, and the share of yes among
 * those who answered. It is read live from the case itself (asking records no event), so a case
 * counts once, with the answer to its latest question: a "no" reopens the case and counts until
 * the case is resolved again, when the question starts afresh. Admins only: the publication
 * carries no satisfaction figures (see README, Observatory).
 */
export async function timeliness(db: DbOrTx, query: StatsQuery, k: number, now: Date): Promise<StatsAnswer> {
  const dims = query.groupBy ?? ['unit']
  const names = await loadReferenceNames(db, namesNeeded(query, dims))
  const source = casesSource
  const at = now.toISOString()
  const s = caseStats
  const fields: Record<string, SQL> = {
    cases: sql`count(*)::int`,
    acknowledged: sql`count(${s.hoursToAcknowledge})::int`,
    medianAck: sql`percentile_cont(0.5) within group (order by ${s.hoursToAcknowledge})::float8`,
    p90Ack: sql`percentile_cont(0.9) within group (order by ${s.hoursToAcknowledge})::float8`,
    closed: sql`count(${s.hoursToClose})::int`,
    medianClose: sql`percentile_cont(0.5) within group (order by ${s.hoursToClose})::float8`,
    p90Close: sql`percentile_cont(0.9) within group (order by ${s.hoursToClose})::float8`,
    due: sql`(count(*) filter (where ${s.dueAt} is not null and (${s.closedAt} is not null or ${s.dueAt} <= ${at}::timestamptz)))::int`,
    inTime: sql`(count(*) filter (where ${s.closedAt} <= ${s.dueAt}))::int`,
    asked: sql`(count(*) filter (where ${cases.followUpAskedAt} is not null))::int`,
    yes: sql`(count(*) filter (where ${cases.followUpAnswer} = 'yes'))::int`,
    no: sql`(count(*) filter (where ${cases.followUpAnswer} = 'no'))::int`,
    unanswered: sql`(count(*) filter (where ${cases.followUpAnswer} = 'none'))::int`,
  }
  const groups: SQL[] = []
  if (query.period) {
    fields.period = source.period(query.period)
    groups.push(fields.period)
  }
  for (const dim of dims) {
    fields[dim] = sql`${columnOf(source, dim)}::text`
    groups.push(sql`${columnOf(source, dim)}`)
  }
  const raw = await db.select(fields).from(s).innerJoin(cases, eq(cases.id, s.caseId)).where(filterConditions(source, query, names)).groupBy(...groups)
  const rows = raw.map((row) => {
    const record = z.record(z.string(), z.unknown()).parse(row)
    return { ...FigureRowSchema.parse(record), values: dims.map((dim) => String(record[dim] ?? '')) }
  })
  rows.sort((a, b) => ((a.period ?? '') + a.values.join('|')).localeCompare((b.period ?? '') + b.values.join('|')))

  const key = (row: (typeof rows)[number]) => (row.period !== undefined ? [row.period, ...row.values] : row.values)
  const casesMarks = suppressCells(rows.map((row) => ({ dims: key(row), count: row.cases })), k)
  const dueMarks = suppressCells(rows.map((row) => ({ dims: key(row), count: row.due })), k)
  const marksOf = (count: (row: (typeof rows)[number]) => number) => suppressCells(rows.map((row) => ({ dims: key(row), count: count(row) })), k).marks
  const askedMarks = marksOf((row) => row.asked)
  const yesMarks = marksOf((row) => row.yes)
  const noMarks = marksOf((row) => row.no)
  const unansweredMarks = marksOf((row) => row.unanswered)
  const published = rows.map((row, i) => {
    const out: Record<string, string | number> = row.period !== undefined ? { period: row.period } : {}
    dims.forEach((dim, j) => {
      const value = describeDimension(dim, row.values[j] ?? '', names, query.lang)
      out[dim] = value.code
      if (value.name !== undefined) out[`${dim}Name`] = value.name
    })
    const enough = (n: number, value: number | null) => (n >= k ? round1(value) : null)
    const figures: Record<(typeof FIGURES)[number], string | number | null> = {
      cases: publishCount(row.cases, casesMarks.marks[i] ?? 'shown', k),
      medianHoursToAcknowledge: enough(row.acknowledged, row.medianAck),
      p90HoursToAcknowledge: enough(row.acknowledged, row.p90Ack),
      medianHoursToResolve: enough(row.closed, row.medianClose),
      p90HoursToResolve: enough(row.closed, row.p90Close),
      due: publishCount(row.due, dueMarks.marks[i] ?? 'shown', k),
      resolvedWithinDeadlinePercent: row.due >= k ? round1((100 * row.inTime) / row.due) : null,
      followUpsAsked: publishCount(row.asked, askedMarks[i] ?? 'shown', k),
      followUpsYes: publishCount(row.yes, yesMarks[i] ?? 'shown', k),
      followUpsNo: publishCount(row.no, noMarks[i] ?? 'shown', k),
      followUpsUnanswered: publishCount(row.unanswered, unansweredMarks[i] ?? 'shown', k),
      // a share is shown only where both counts behind it are: else it would give a withheld one away
      satisfiedPercent:
        yesMarks[i] === 'shown' && noMarks[i] === 'shown' && row.yes + row.no >= k && row.yes + row.no > 0 ? round1((100 * row.yes) / (row.yes + row.no)) : null,
    }
    for (const [name, value] of Object.entries(figures)) if (value !== null) out[name] = value
    return out
  })
  const total = rows.reduce((sum, row) => sum + row.cases, 0)
  return {
    filters: filtersOf(query),
    groupBy: dims,
    period: query.period ?? null,
    k,
    total: publishCount(total, casesMarks.totalMark, k),
    columns: answerColumns({ ...query, groupBy: dims }, FIGURES),
    rows: published,
  }
}
