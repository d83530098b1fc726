import { sql } from 'drizzle-orm'
import { z } from 'zod'
import { type DbOrTx, rowsOf } from '../../db/client.js'
import { MARK, type MarkCode } from './protect-linked-cells.js'

/** What is published of the months a window sums: the shown counts added up, and how many are withheld. */
export type Parts = { shown: number; small: number; withheld: number }

/**
 * A figure over several months, as the sum of their published cells: exact where every month is
 * shown; "<k" where the months leave it between 1 and k-1 (one "<k" month, zeros elsewhere); "x"
 * otherwise (at least k when an "x" or a shown month stands behind it, at least 2 when it is two
 * or more "<k" months). It says nothing the months do not say already, which is the point: a
 * window figure is a function of frozen months, so no release, nor two of them, can be subtracted
 * into a month's withheld cell.
 */
export function sumOfMonths(parts: Parts, k: number): { mark: MarkCode; count: number | null } {
  if (parts.small === 0 && parts.withheld === 0) return { mark: MARK.shown, count: parts.shown }
  if (parts.withheld === 0 && parts.shown + parts.small * (k - 1) <= k - 1) return { mark: MARK.small, count: null }
  return { mark: MARK.complementary, count: null }
}

/** One row of the windows: a place and code, with the parts of all months and of the league's twelve. */
export type WindowRow = {
  dimension: 'total' | 'sector' | 'category' | 'unit'
  geoLevel: 'nation' | 'department' | 'municipality'
  department: string
  geo: string
  code: string
  all: Parts
  twelve: Parts
  /** the units' monthly `due` figures, summed the same way, and the on-time cases behind the shown ones */
  dueAll: Parts
  dueTwelve: Parts
  inTimeAll: number
  inTimeTwelve: number
}

const int = z.coerce.number().int()
const RowSchema = z.object({
  dimension: z.enum(['total', 'sector', 'category', 'unit']),
  geo_level: z.enum(['nation', 'department', 'municipality']),
  department: z.string(),
  geo: z.string(),
  code: z.string(),
  shown: int,
  small: int,
  withheld: int,
  shown12: int,
  small12: int,
  withheld12: int,
  due_shown: int,
  due_small: int,
  due_withheld: int,
  due_shown12: int,
  due_small12: int,
  due_withheld12: int,
  in_time: int,
  in_time12: int,
})

/**
 * Adds up, in one pass over a publication's stored monthly cells (by sector, by category and by
 * unit; weeks are not read), what each window figure is made of. It reads only published forms
 * (a shown count, or the mark of a withheld one), never a true count, so what it derives cannot
 * carry more than the months do.
 */
export async function windowParts(db: DbOrTx, publicationId: string, twelveFrom: string): Promise<WindowRow[]> {
  const in12 = sql`period >= ${twelveFrom}`
  const dueNumber = sql`jsonb_typeof(figures->'due') = 'number'`
  const rows = await rowsOf(db, sql`select dimension, geo_level, department, geo, code,
      coalesce(sum(count) filter (where mark = 'shown'), 0) as shown,
      count(*) filter (where mark = 'small') as small,
      count(*) filter (where mark = 'complementary') as withheld,
      coalesce(sum(count) filter (where mark = 'shown' and ${in12}), 0) as shown12,
      count(*) filter (where mark = 'small' and ${in12}) as small12,
      count(*) filter (where mark = 'complementary' and ${in12}) as withheld12,
      coalesce(sum((figures->>'due')::int) filter (where ${dueNumber}), 0) as due_shown,
      count(*) filter (where figures->>'due' like '<%') as due_small,
      count(*) filter (where figures->>'due' = 'x') as due_withheld,
      coalesce(sum((figures->>'due')::int) filter (where ${dueNumber} and ${in12}), 0) as due_shown12,
      count(*) filter (where figures->>'due' like '<%' and ${in12}) as due_small12,
      count(*) filter (where figures->>'due' = 'x' and ${in12}) as due_withheld12,
      coalesce(sum((figures->>'inTime')::int), 0) as in_time,
      coalesce(sum((figures->>'inTime')::int) filter (where ${in12}), 0) as in_time12
    from stats_publication_cells
    where publication_id = ${publicationId}::uuid and period_kind = 'month'
    group by 1, 2, 3, 4, 5`)
  return rows.map((raw) => {
    const r = RowSchema.parse(raw)
    return {
      dimension: r.dimension,
      geoLevel: r.geo_level,
      department: r.department,
      geo: r.geo,
      code: r.code,
      all: { shown: r.shown, small: r.small, withheld: r.withheld },
      twelve: { shown: r.shown12, small: r.small12, withheld: r.withheld12 },
      dueAll: { shown: r.due_shown, small: r.due_small, withheld: r.due_withheld },
      dueTwelve: { shown: r.due_shown12, small: r.due_small12, withheld: r.due_withheld12 },
      inTimeAll: r.in_time,
      inTimeTwelve: r.in_time12,
    }
  })
}
