import { asc, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { DbOrTx } from '../../db/client.js'
import { SECTORS, caseStats, categories, departments, municipalities, units } from '../../db/schema/index.js'
import { guatemalaDate } from '../../cases/guatemala-date.js'
import { NO_UNIT } from '../sync-case-stats.js'
import type { CubeRow, PublicationInput } from './publication-layout.js'

/** The month before `month` (`YYYY-MM`), or after it with step 1. */
export function shiftMonth(month: string, step: number): string {
  const [year, mon] = month.split('-').map(Number)
  const date = new Date(Date.UTC(year ?? 1970, (mon ?? 1) - 1 + step, 1))
  return date.toISOString().slice(0, 7)
}

/**
 * The last whole month at `now` in Guatemala: the running month is never published, as
 * statistical offices publish whole periods (a running month would change under a reader's eyes,
 * and two looks at it a day apart would be a one-day table).
 */
export function lastWholeMonth(now: Date): string {
  return shiftMonth(guatemalaDate(now).slice(0, 7), -1)
}

const CubeRowSchema = z.object({
  month: z.string(),
  week: z.coerce.number(),
  municipality: z.string(),
  sector: z.string(),
  category: z.string(),
  unit: z.string().nullable(),
  count: z.coerce.number(),
})

/** The unit codes by id, with '' for the "no unit" key. */
async function unitCodes(db: DbOrTx): Promise<Map<string, string>> {
  const rows = await db.select({ id: units.id, code: units.code }).from(units)
  return new Map([[NO_UNIT, ''], ...rows.map((u): [string, string] => [u.id, u.code])])
}

/** Every month from `first` to `last` (`YYYY-MM`), both included. */
export function monthsBetween(first: string, last: string): string[] {
  const months: string[] = []
  for (let m = first; m <= last; m = shiftMonth(m, 1)) months.push(m)
  return months
}

/** The months a release covers, and those of them it must issue now (the rest are copied). */
export type ReleaseMonths = { all: string[]; toIssue: string[] }

/**
 * The months of the release built at `now`: from the first filed case (or the previous release's
 * first month) to the last whole month; those the previous release already issued are frozen and
 * only copied, the others (normally the one month that has just closed) are issued now.
 */
export async function releaseMonths(db: DbOrTx, now: Date, previous: { first: string; last: string } | null): Promise<ReleaseMonths> {
  const last = lastWholeMonth(now)
  const [first] = await db.select({ day: sql<string | null>`min(${caseStats.day})::text` }).from(caseStats)
  const starts = [first?.day?.slice(0, 7), previous?.first].filter((m): m is string => typeof m === 'string')
  if (starts.length === 0) return { all: [], toIssue: [] }
  const all = monthsBetween(starts.sort()[0] ?? last, previous && previous.last > last ? previous.last : last)
  const toIssue = all.filter((m) => !previous || m < previous.first || m > previous.last)
  return { all, toIssue }
}

/**
 * Reads what the months to issue are drawn from: the reference lists (every department,
 * municipality, sector and category, so that tables list zeros too) and the case cube of those
 * months, one GROUP BY over the one-row-per-case statistics.
 */
export async function loadPublicationInput(db: DbOrTx, months: readonly string[]): Promise<PublicationInput> {
  const [deps, munis, cats, codes] = await Promise.all([
    db.select({ code: departments.code }).from(departments).orderBy(asc(departments.code)),
    db.select({ code: municipalities.code, department: municipalities.departmentCode }).from(municipalities).orderBy(asc(municipalities.code)),
    db.selectDistinct({ code: categories.code }).from(categories).orderBy(asc(categories.code)),
    unitCodes(db),
  ])
  const sorted = [...months].sort()
  const [from, to] = [sorted[0], sorted.at(-1)]
  const raw =
    from === undefined || to === undefined
      ? []
      : await db
          .select({
            month: sql<string>`to_char(${caseStats.day}, 'YYYY-MM')`,
            week: sql<number>`least(3, (extract(day from ${caseStats.day})::int - 1) / 7)`,
            municipality: caseStats.municipalityCode,
            sector: caseStats.sector,
            category: caseStats.category,
            unit: sql<string | null>`${caseStats.unitId}::text`,
            count: sql<number>`count(*)::int`,
          })
          .from(caseStats)
          .where(sql`${caseStats.day} >= ${`${from}-01`}::date and ${caseStats.day} < ${`${shiftMonth(to, 1)}-01`}::date`)
          .groupBy(sql`1, 2, 3, 4, 5, 6`)
  const monthIndex = new Map(months.map((m, i) => [m, i]))
  // months between the first and the last to issue that are frozen already are not read again
  const rows = raw.map((row) => CubeRowSchema.parse(row)).filter((row) => monthIndex.has(row.month))
  const categoryList = cats.map((c) => c.code)
  // a category no longer in the reference list still counts: it keeps its code as a row
  for (const row of rows) if (!categoryList.includes(row.category)) categoryList.push(row.category)
  const unitList = [...new Set(rows.map((row) => codes.get(row.unit ?? NO_UNIT) ?? ''))].sort()
  const municipalityIndex = new Map(munis.map((m, i) => [m.code, i]))
  const categoryIndex = new Map(categoryList.map((c, i) => [c, i]))
  const unitIndex = new Map(unitList.map((u, i) => [u, i]))
  const sectorIndex = new Map<string, number>(SECTORS.map((s, i) => [s, i]))
  const cube: CubeRow[] = rows.map((row) => ({
    month: monthIndex.get(row.month) ?? 0,
    week: row.week,
    municipality: municipalityIndex.get(row.municipality) ?? 0,
    sector: sectorIndex.get(row.sector) ?? 0,
    category: categoryIndex.get(row.category) ?? 0,
    unit: unitIndex.get(codes.get(row.unit ?? NO_UNIT) ?? '') ?? 0,
    count: row.count,
  }))
  return {
    months,
    departments: deps.map((d) => d.code),
    municipalities: munis,
    sectors: [...SECTORS],
    categories: categoryList,
    units: unitList,
    cube,
  }
}
