import { type SQL, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { DbOrTx } from '../db/client.js'
import { NAMED_DIMENSIONS, describeDimension } from './describe-dimension.js'
import { loadReferenceNames } from './reference-names.js'
import { columnOf, filterConditions, pickSource } from './stats-source.js'
import { type Dimension, type StatsQuery, filtersOf, namesNeeded } from './stats-query.js'
import { type PublishedCount, publishCount, suppressCells } from './suppress.js'

/** A statistics answer: what was asked (filters echoed), the threshold, the total and the rows. */
export type StatsAnswer = {
  filters: Record<string, string>
  groupBy: Dimension[]
  period: string | null
  k: number
  total: PublishedCount
  /** the columns of a row, in order (the CSV header) */
  columns: string[]
  rows: Record<string, string | number>[]
}

const RowSchema = z.record(z.string(), z.union([z.string(), z.number()]).nullable())

/** The columns of an answer: period, each dimension (with its name), then the figures. */
export function answerColumns(query: StatsQuery, figures: readonly string[]): string[] {
  const columns: string[] = query.period ? ['period'] : []
  for (const dim of query.groupBy ?? []) columns.push(dim, ...(NAMED_DIMENSIONS.has(dim) ? [`${dim}Name`] : []))
  return [...columns, ...figures]
}

/**
 * Counts cases grouped by period and dimensions, with small counts suppressed (see suppress.ts).
 * Month-level questions are answered from the running monthly counts; days and weeks from the
 * one-row-per-case table.
 */
export async function countCases(db: DbOrTx, query: StatsQuery, k: number): Promise<StatsAnswer> {
  const dims = query.groupBy ?? []
  const names = await loadReferenceNames(db, namesNeeded(query, dims))
  const source = pickSource(query)
  const fields: Record<string, SQL> = { count: source.count }
  const groups: SQL[] = []
  if (query.period) {
    const period = source.period(query.period)
    fields.period = period
    groups.push(period)
  }
  for (const dim of dims) {
    fields[dim] = sql`${columnOf(source, dim)}::text`
    groups.push(sql`${columnOf(source, dim)}`)
  }
  const raw = await db
    .select(fields)
    .from(source.table)
    .where(filterConditions(source, query, names))
    .groupBy(...groups)
  const rows = raw
    .map((row) => RowSchema.parse(row))
    .map((row) => ({ period: String(row.period ?? ''), values: dims.map((dim) => String(row[dim] ?? '')), count: Number(row.count ?? 0) }))
    .filter((row) => row.count > 0)
    .sort((a, b) => (a.period + a.values.join('|')).localeCompare(b.period + b.values.join('|')))

  const suppression = suppressCells(
    rows.map((row) => ({ dims: query.period ? [row.period, ...row.values] : row.values, count: row.count })),
    k,
  )
  const published = rows.map((row, i) => {
    const out: Record<string, string | number> = query.period ? { period: row.period } : {}
    dims.forEach((dim, j) => {
      const value = describeDimension(dim, row.values[j] ?? '', names, query.lang)
      out[dim] = value.code
      if (value.name !== undefined) out[`${dim}Name`] = value.name
    })
    out.count = publishCount(row.count, suppression.marks[i] ?? 'shown', k)
    return out
  })
  const total = rows.reduce((sum, row) => sum + row.count, 0)
  return {
    filters: filtersOf(query),
    groupBy: dims,
    period: query.period ?? null,
    k,
    total: publishCount(total, suppression.totalMark, k),
    columns: answerColumns(query, ['count']),
    rows: published,
  }
}
