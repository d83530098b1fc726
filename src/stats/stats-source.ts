import { type SQL, and, eq, gte, lt, sql } from 'drizzle-orm'
import type { PgColumn } from 'drizzle-orm/pg-core'
import { caseStats, caseStatsMonthly, caseStatsMonthlyByUnit } from '../db/schema/index.js'
import { type ReferenceNames, idOfCode } from './reference-names.js'
import type { Dimension, Period, StatsQuery } from './stats-query.js'

/** The table's column for each dimension; the by-unit counts have no municipality. */
type Columns = Omit<Record<Dimension, PgColumn>, 'municipality'> & { municipality?: PgColumn }

/** Where figures are read from: the monthly running counts, or the one-row-per-case table. */
export type StatsSource = {
  kind: 'monthly-by-unit' | 'monthly' | 'cases'
  table: typeof caseStats | typeof caseStatsMonthly | typeof caseStatsMonthlyByUnit
  columns: Columns
  /** the period a row falls in, as text: YYYY-MM for months, the first day for days and weeks */
  period: (period: Period) => SQL<string>
  /** how many cases a group holds */
  count: SQL<number>
  /** the filing day (or month) column that from/to compare with */
  when: PgColumn
}

export const casesSource: StatsSource = {
  kind: 'cases',
  table: caseStats,
  columns: {
    department: caseStats.departmentCode,
    municipality: caseStats.municipalityCode,
    sector: caseStats.sector,
    category: caseStats.category,
    status: caseStats.status,
    institution: caseStats.institutionId,
    unit: caseStats.unitId,
  },
  period: (period) =>
    period === 'month'
      ? sql<string>`to_char(${caseStats.day}, 'YYYY-MM')`
      : period === 'week'
        ? sql<string>`to_char(date_trunc('week', ${caseStats.day}), 'YYYY-MM-DD')`
        : sql<string>`to_char(${caseStats.day}, 'YYYY-MM-DD')`,
  count: sql<number>`count(*)::int`,
  when: caseStats.day,
}

export const monthlySource: StatsSource = {
  kind: 'monthly',
  table: caseStatsMonthly,
  columns: {
    department: caseStatsMonthly.departmentCode,
    municipality: caseStatsMonthly.municipalityCode,
    sector: caseStatsMonthly.sector,
    category: caseStatsMonthly.category,
    status: caseStatsMonthly.status,
    institution: caseStatsMonthly.institutionId,
    unit: caseStatsMonthly.unitId,
  },
  period: () => sql<string>`to_char(${caseStatsMonthly.month}, 'YYYY-MM')`,
  count: sql<number>`coalesce(sum(${caseStatsMonthly.cases}), 0)::int`,
  when: caseStatsMonthly.month,
}

export const monthlyByUnitSource: StatsSource = {
  kind: 'monthly-by-unit',
  table: caseStatsMonthlyByUnit,
  columns: {
    department: caseStatsMonthlyByUnit.departmentCode,
    sector: caseStatsMonthlyByUnit.sector,
    category: caseStatsMonthlyByUnit.category,
    status: caseStatsMonthlyByUnit.status,
    institution: caseStatsMonthlyByUnit.institutionId,
    unit: caseStatsMonthlyByUnit.unitId,
  },
  period: () => sql<string>`to_char(${caseStatsMonthlyByUnit.month}, 'YYYY-MM')`,
  count: sql<number>`coalesce(sum(${caseStatsMonthlyByUnit.cases}), 0)::int`,
  when: caseStatsMonthlyByUnit.month,
}

/** A source's column for a dimension; pickSource never hands out a source that lacks it. */
export function columnOf(source: StatsSource, dimension: Dimension): PgColumn {
  const column = source.columns[dimension]
  if (!column) throw new Error(`the ${source.kind} counts have no ${dimension}`)
  return column
}

function nextDay(day: string): string {
  const next = new Date(`${day}T00:00:00Z`)
  next.setUTCDate(next.getUTCDate() + 1)
  return next.toISOString().slice(0, 10)
}

/**
 * The monthly counts answer a query that needs no day or week and whose date range, if any, is whole
 * months (the smaller by-unit table when no municipality is involved); anything finer is counted
 * case by case.
 */
export function pickSource(query: StatsQuery): StatsSource {
  const fine = query.period === 'day' || query.period === 'week'
  const ragged = (query.from !== undefined && !query.from.endsWith('-01')) || (query.to !== undefined && !nextDay(query.to).endsWith('-01'))
  if (fine || ragged) return casesSource
  const municipal = query.municipality !== undefined || (query.groupBy ?? []).includes('municipality')
  return municipal ? monthlySource : monthlyByUnitSource
}

/** The WHERE conditions of a query's filters on a source. */
export function filterConditions(source: StatsSource, query: StatsQuery, names: ReferenceNames): SQL | undefined {
  const c = source.columns
  const conditions: (SQL | undefined)[] = [
    query.department === undefined ? undefined : eq(c.department, query.department),
    query.municipality === undefined ? undefined : eq(columnOf(source, 'municipality'), query.municipality),
    query.sector === undefined ? undefined : eq(c.sector, query.sector),
    query.category === undefined ? undefined : eq(c.category, query.category),
    query.status === undefined ? undefined : eq(c.status, query.status),
    query.institution === undefined ? undefined : eq(c.institution, idOfCode(names.institutions, query.institution)),
    query.unit === undefined ? undefined : eq(c.unit, idOfCode(names.units, query.unit)),
    // monthly rows carry the first of their month, so whole-month ranges compare the same way
    query.from === undefined ? undefined : gte(source.when, query.from),
    query.to === undefined ? undefined : lt(source.when, nextDay(query.to)),
  ]
  return and(...conditions)
}
