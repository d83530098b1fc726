import type { Context } from 'hono'
import { Hono } from 'hono'
import { createMiddleware } from 'hono/factory'
import { problem } from '../http/problem.js'
import { validate } from '../http/validate.js'
import { type StatsAnswer, type StatsQuery, StatsQuerySchema, countCases, timeliness, toCsv } from '../stats/index.js'
import { type Audience, type PublishedQuestion, casesQuestion, leagueQuestion, refusalFor } from '../stats/publication/publication-question.js'
import { latestPublication, readPublication, twelveMonthWindow } from '../stats/publication/read-publication.js'
import type { AppEnv } from './app-env.js'
import { requireRole } from './auth.js'
import type { Operation } from './openapi/operation.js'
import { StatsAnswerSchema, statsExamples } from './openapi/stats-schemas.js'

/** The smallest count published as is, unless configured otherwise (STATS_MIN_CELL); publications carry the k they were built with. */
export const DEFAULT_MIN_CELL = 5

/** Public, yet refused: a wrong token, a question the publication does not answer, no publication yet. */
const STATS_ERRORS = {
  401: 'An Authorization header without a valid token',
  403: 'Not one of the published tables (without an admin token), or a token that is neither observatory nor admin; the detail names the tables',
  503: 'The statistics have not been published yet',
}

export const statsOperations: Operation[] = [
  {
    method: 'get',
    path: '/api/v1/stats/cases',
    summary: 'Case counts: without a token and with an observatory token, the tables of the monthly publication (jointly suppressed); admins, exact live counts',
    tag: 'stats',
    roles: [],
    query: StatsQuerySchema,
    errors: STATS_ERRORS,
    response: StatsAnswerSchema,
    example: statsExamples.cases,
    media: [{ type: 'text/csv', example: statsExamples.casesCsv }],
  },
  {
    method: 'get',
    path: '/api/v1/stats/timeliness',
    summary: 'The league by unit (all published months, or the last twelve): times to acknowledge and resolve, share resolved within the deadline',
    tag: 'stats',
    roles: [],
    query: StatsQuerySchema,
    errors: STATS_ERRORS,
    response: StatsAnswerSchema,
    example: statsExamples.timeliness,
    media: [{ type: 'text/csv', example: statsExamples.timelinessCsv }],
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

/** Who asks: an admin token reads the live tables, an observatory token or no token the publication. */
function audienceOf(c: Context<AppEnv>): Audience | 'admin' {
  if (!withToken(c)) return 'public'
  return c.var.actor.role === 'admin' ? 'admin' : 'observatory'
}

/**
 * Answers from the newest publication: 403 naming the published tables when the question is not
 * one of them, 503 before the first publication has been built.
 */
async function fromPublication(c: Context<AppEnv>, query: StatsQuery, audience: Audience, match: (windowFirst: string | null) => PublishedQuestion | null): Promise<Response> {
  const publication = await latestPublication(c.var.db)
  const question = match(publication ? twelveMonthWindow(publication) : null)
  if (!question) return problem(c, 403, refusalFor(audience))
  if (!publication) return problem(c, 503, 'the statistics have not been published yet; try again in a minute')
  return answer(c, await readPublication(c.var.db, publication, question, query, audience), wantsCsv(c, query.format))
}

/**
 * Statistics. Without a token and with an observatory token: only the stored publication, whose
 * tables were suppressed together (src/stats/publication/), so no set of answers can be
 * subtracted into a small count. Admin tokens: exact counts from the live tables.
 */
export function createStatsRoutes(_options: { minCell?: number } = {}) {
  return new Hono<AppEnv>()
    .use(statsAccess)
    .use(async (c, next) => {
      c.header('vary', 'Accept, Authorization')
      await next()
    })
    .get('/cases', validate('query', StatsQuerySchema), async (c) => {
      const query = c.req.valid('query')
      const audience = audienceOf(c)
      if (audience === 'admin') return answer(c, await countCases(c.var.db, query, 1), wantsCsv(c, query.format))
      return fromPublication(c, query, audience, () => casesQuestion(query, audience))
    })
    .get('/timeliness', validate('query', StatsQuerySchema), async (c) => {
      const query = c.req.valid('query')
      const audience = audienceOf(c)
      if (audience === 'admin') return answer(c, await timeliness(c.var.db, query, 1, c.var.now()), wantsCsv(c, query.format))
      return fromPublication(c, query, audience, (windowFirst) => leagueQuestion(query, windowFirst))
    })
}
