import type { Context } from 'hono'
import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { problem } from '../http/problem.js'
import { validate } from '../http/validate.js'
import { type StatsAnswer, StatsQuerySchema, countCases, publicRefusal, timeliness, toCsv } from '../stats/index.js'
import type { AppEnv } from './app-env.js'
import { requireRole } from './auth.js'
import type { Operation } from './openapi/operation.js'

/** The smallest count published as is, unless configured otherwise (STATS_MIN_CELL). */
export const DEFAULT_MIN_CELL = 5

export const statsOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/stats/cases',
    summary: 'Case counts by period and dimensions, small counts suppressed; public without a token for months and up to two dimensions',
    tag: 'stats',
    roles: [],
    query: StatsQuerySchema,
  },
  {
    method: 'get',
    path: '/api/v1/stats/timeliness',
    summary: 'Median and 90th percentile hours to acknowledge and resolve, share resolved within the deadline (the league table)',
    tag: 'stats',
    roles: [],
    query: StatsQuerySchema,
  },
]

/**
 * No Authorization header: the public subset. A header: it must carry an observatory or admin
 * token (a wrong token is refused rather than quietly treated as public).
 */
const statsAccess = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.header('authorization') === undefined) {
    await next()
    return undefined
  }
  return requireRole('observatory', 'admin')(c, next)
})

/** Past statsAccess, a request with an Authorization header carries a valid observatory or admin token. */
const withToken = (c: Context) => c.req.header('authorization') !== undefined

function wantsCsv(c: Context, format: 'json' | 'csv' | undefined): boolean {
  if (format !== undefined) return format === 'csv'
  return /\btext\/csv\b/.test(c.req.header('accept') ?? '')
}

/** Answers JSON, or CSV whose rows also carry the filters (so a saved file says what it counts). */
function answer(c: Context, result: StatsAnswer, csv: boolean): Response {
  if (!csv) return c.json(result)
  const filterColumns = Object.keys(result.filters).filter((name) => !result.columns.includes(name))
  const rows = result.rows.map((row) => ({ ...result.filters, ...row }))
  return c.body(toCsv([...filterColumns, ...result.columns], rows), 200, { 'content-type': 'text/csv; charset=utf-8' })
}

/** Statistics for observatories (tokens) and the public (a coarser subset), JSON or CSV. */
export function createStatsRoutes(options: { minCell?: number } = {}) {
  const k = options.minCell ?? DEFAULT_MIN_CELL
  return new Hono<AppEnv>()
    .use(statsAccess)
    .use(async (c, next) => {
      c.header('vary', 'Accept, Authorization')
      await next()
    })
    .get('/cases', validate('query', StatsQuerySchema), async (c) => {
      const query = c.req.valid('query')
      const refusal = withToken(c) ? null : publicRefusal(query)
      if (refusal) return problem(c, 403, refusal)
      return answer(c, await countCases(c.var.db, query, k), wantsCsv(c, query.format))
    })
    .get('/timeliness', validate('query', StatsQuerySchema), async (c) => {
      const query = c.req.valid('query')
      const refusal = withToken(c) ? null : publicRefusal(query)
      if (refusal) return problem(c, 403, refusal)
      return answer(c, await timeliness(c.var.db, query, k, c.var.now()), wantsCsv(c, query.format))
    })
}
