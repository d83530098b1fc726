import { z } from 'zod'
import { CASE_STATUSES, SECTORS } from '../db/schema/index.js'

/** What counts can be grouped by, besides the period. */
export const DIMENSIONS = ['department', 'municipality', 'sector', 'category', 'status', 'institution', 'unit'] as const
export type Dimension = (typeof DIMENSIONS)[number]

export const PERIODS = ['day', 'week', 'month'] as const
export type Period = (typeof PERIODS)[number]

/**
 * Without a token: periods of a month (or none) and at most two grouping dimensions. A day or a
 * week in one municipality can point at one person's complaint even above k; months do not.
 */
export const PUBLIC_PERIODS: readonly (Period | undefined)[] = ['month', undefined]
export const PUBLIC_MAX_DIMENSIONS = 2

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD')

const groupBy = z
  .string()
  .max(200)
  .transform((text) => text.split(',').map((part) => part.trim()).filter((part) => part !== ''))
  .pipe(z.array(z.enum(DIMENSIONS)).max(DIMENSIONS.length))
  .refine((dims) => new Set(dims).size === dims.length, 'a dimension appears twice')

/** The query of every statistics endpoint: grouping, filters and format. */
export const StatsQuerySchema = z.object({
  groupBy: groupBy.optional(),
  period: z.enum(PERIODS).optional(),
  department: z.string().regex(/^\d{2}$/, 'a two-digit INE department code').optional(),
  municipality: z.string().regex(/^\d{4}$/, 'a four-digit INE municipality code').optional(),
  sector: z.enum(SECTORS).optional(),
  category: z.string().regex(/^[a-z_]{1,60}$/).optional(),
  status: z.enum(CASE_STATUSES).optional(),
  institution: z.string().min(1).max(60).optional(),
  unit: z.string().min(1).max(60).optional(),
  /** first filing day counted (Guatemala time), inclusive */
  from: day.optional(),
  /** last filing day counted, inclusive */
  to: day.optional(),
  /** language of category names */
  lang: z.enum(['es', 'en']).default('es'),
  format: z.enum(['json', 'csv']).optional(),
})
export type StatsQuery = z.infer<typeof StatsQuerySchema>

/** The filters a query sets, to echo back with the answer. */
export function filtersOf(query: StatsQuery): Record<string, string> {
  const keys = ['department', 'municipality', 'sector', 'category', 'status', 'institution', 'unit', 'from', 'to'] as const
  const out: Record<string, string> = {}
  for (const key of keys) {
    const value = query[key]
    if (value !== undefined) out[key] = value
  }
  return out
}

/** What an answer needs names for: its grouping dimensions and the unit or institution it filters on. */
export function namesNeeded(query: StatsQuery, dims: readonly Dimension[]): Set<string> {
  return new Set<string>([...dims, ...(query.unit ? ['unit'] : []), ...(query.institution ? ['institution'] : [])])
}

/** Why a query without a token is refused, or null when the public may ask it. */
export function publicRefusal(query: StatsQuery): string | null {
  if (!PUBLIC_PERIODS.includes(query.period)) return 'periods of a day or a week need an observatory token; use period=month'
  if ((query.groupBy?.length ?? 0) > PUBLIC_MAX_DIMENSIONS) return `without a token, group by at most ${PUBLIC_MAX_DIMENSIONS} dimensions`
  return null
}
