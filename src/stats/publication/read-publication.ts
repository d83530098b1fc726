import { type SQL, and, asc, desc, eq, inArray } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { statsPublicationCells as cells, statsPublications } from '../../db/schema/index.js'
import { ValidationError } from '../../domain-errors.js'
import type { StatsAnswer } from '../count-cases.js'
import { describeDimension } from '../describe-dimension.js'
import { loadReferenceNames } from '../reference-names.js'
import { type Dimension, type StatsQuery, filtersOf } from '../stats-query.js'
import { shiftMonth } from './load-publication-input.js'
import type { Audience, PublishedQuestion } from './publication-question.js'

export type Publication = typeof statsPublications.$inferSelect

/** An answer read from a publication: the usual answer, and which publication it comes from. */
export type PublishedAnswer = StatsAnswer & {
  publication: { id: string; builtAt: string; months: { first: string | null; last: string | null }; window?: { first: string | null; last: string | null } }
}

/** The newest publication, or null before the first build. */
export async function latestPublication(db: DbOrTx): Promise<Publication | null> {
  const [row] = await db.select().from(statsPublications).orderBy(desc(statsPublications.builtAt)).limit(1)
  return row ?? null
}

/** The first month of the league's twelve-month window of a publication (before any history is clipped off). */
export function twelveMonthWindow(publication: Publication): string | null {
  return publication.lastMonth ? shiftMonth(publication.lastMonth, -11) : null
}

type CellRow = Pick<typeof cells.$inferSelect, 'period' | 'geo' | 'department' | 'code' | 'count' | 'mark' | 'figures'>

const published = (row: Pick<CellRow, 'count' | 'mark'> | undefined, k: number): string | number =>
  row === undefined ? 0 : row.mark === 'small' ? `<${k}` : row.mark === 'complementary' ? 'x' : (row.count ?? 0)

/** The place a query filters on: the municipality, else the department, else the nation. */
function placeOf(query: StatsQuery): { level: 'nation' | 'department' | 'municipality'; geo: string } {
  if (query.municipality) return { level: 'municipality', geo: query.municipality }
  if (query.department) return { level: 'department', geo: query.department }
  return { level: 'nation', geo: '' }
}

/**
 * Answers a matched question from the stored cells of a publication, in the shape of every
 * statistics answer (columns, rows, filters, total) plus the publication it was read from.
 */
export async function readPublication(db: DbOrTx, publication: Publication, question: PublishedQuestion, query: StatsQuery, audience: Audience): Promise<PublishedAnswer> {
  const k = publication.k
  const audiences: ('public' | 'observatory')[] = audience === 'public' ? ['public'] : ['public', 'observatory']
  const place = placeOf(query)
  const dims: Dimension[] =
    question.table === 'league'
      ? ['unit']
      : question.table === 'places'
        ? query.groupBy ?? [question.level]
        : question.breakdown === 'total'
          ? []
          : [question.breakdown]
  const names = await loadReferenceNames(db, new Set([...dims, ...(query.municipality ? ['municipality'] : [])]))
  if (query.municipality && query.department && names.municipalities.get(query.municipality)?.departmentCode !== query.department)
    throw new ValidationError(`municipality ${query.municipality} is not in department ${query.department}`)

  const where = (extra: SQL[]) => and(eq(cells.publicationId, publication.id), inArray(cells.audience, audiences), ...extra)
  const select = (extra: SQL[]) =>
    db
      .select({ period: cells.period, geo: cells.geo, department: cells.department, code: cells.code, count: cells.count, mark: cells.mark, figures: cells.figures })
      .from(cells)
      .where(where(extra))
      .orderBy(asc(cells.period), asc(cells.geo), asc(cells.code))
  const totalOf = async (periodKind: 'all' | 'last12', geo: { level: 'nation' | 'department' | 'municipality'; geo: string }) => {
    const [row] = await select([eq(cells.dimension, 'total'), eq(cells.periodKind, periodKind), eq(cells.geoLevel, geo.level), eq(cells.geo, geo.geo)])
    return published(row, k)
  }

  let rows: CellRow[]
  let total: string | number
  let period: string | null = null
  let window: PublishedAnswer['publication']['window']
  const columns: string[] = []
  switch (question.table) {
    case 'cases': {
      const dimension = question.breakdown
      rows = await select([eq(cells.dimension, dimension), eq(cells.periodKind, question.periodKind), eq(cells.geoLevel, place.level), eq(cells.geo, place.geo)])
      total = await totalOf('all', place)
      if (question.periodKind !== 'all') {
        period = question.periodKind
        columns.push('period')
      }
      break
    }
    case 'places': {
      const department = question.level === 'municipality' && query.department ? [eq(cells.department, query.department)] : []
      rows = await select([eq(cells.dimension, 'total'), eq(cells.periodKind, 'all'), eq(cells.geoLevel, question.level), ...department])
      total = await totalOf('all', question.level === 'municipality' && query.department ? { level: 'department', geo: query.department } : { level: 'nation', geo: '' })
      break
    }
    case 'league': {
      rows = await select([eq(cells.dimension, 'unit'), eq(cells.periodKind, question.window)])
      total = await totalOf(question.window, { level: 'nation', geo: '' })
      const twelve = twelveMonthWindow(publication)
      const first = question.window === 'all' || !twelve || (publication.firstMonth !== null && twelve < publication.firstMonth) ? publication.firstMonth : twelve
      window = { first, last: publication.lastMonth }
      break
    }
  }
  for (const dim of dims) columns.push(dim, `${dim}Name`)
  const figures = question.table === 'league' ? ['cases', 'medianHoursToAcknowledge', 'p90HoursToAcknowledge', 'medianHoursToResolve', 'p90HoursToResolve', 'due', 'resolvedWithinDeadlinePercent'] : ['count']
  columns.push(...figures)

  const out = rows.map((row) => {
    const record: Record<string, string | number> = period ? { period: row.period } : {}
    for (const dim of dims) {
      const stored = question.table === 'places' ? (dim === 'department' ? row.department : row.geo) : row.code
      if (dim === 'unit') {
        const unit = [...names.units.values()].find((u) => u.code === stored)
        record.unit = stored
        record.unitName = unit?.name ?? ''
        continue
      }
      const value = describeDimension(dim, stored, names, query.lang)
      record[dim] = value.code
      record[`${dim}Name`] = value.name ?? value.code
    }
    if (question.table === 'league') {
      record.cases = published(row, k)
      Object.assign(record, row.figures ?? {})
    } else record.count = published(row, k)
    return record
  })
  return {
    filters: filtersOf(query),
    groupBy: dims,
    period,
    k,
    total,
    columns,
    rows: out,
    publication: { id: publication.id, builtAt: publication.builtAt.toISOString(), months: { first: publication.firstMonth, last: publication.lastMonth }, ...(window ? { window } : {}) },
  }
}
