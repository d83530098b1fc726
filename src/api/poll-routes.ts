import { Hono } from 'hono'
import { z } from 'zod'
import { NotFoundError } from '../domain-errors.js'
import { validate } from '../http/validate.js'
import { PollDefinitionSchema } from '../polls/poll-definition.js'
import { pollProgress } from '../polls/poll-progress.js'
import { DEFAULT_POLL_MIN_CELL, publishedResults } from '../polls/poll-publication.js'
import { pollResults } from '../polls/poll-results.js'
import { closePollNow, createPoll, getPoll, listPolls, replacePoll, type Poll } from '../polls/poll-store.js'
import { type CsvResults, resultsCsv } from '../polls/results-csv.js'
import { audienceInScope, pollInScope, requireAudienceInScope } from '../polls/poll-scope.js'
import { cancelPoll, copyPoll, openPollNow } from '../polls/poll-lifecycle.js'
import { RESULTS_CSS, resultsPage } from '../polls/page/results-page.js'
import type { Context } from 'hono'
import type { AppEnv } from './app-env.js'
import { recordAudit } from './audit.js'
import { requireRole } from './auth.js'
import { pollScopeOf } from './scope.js'
import { IdParamSchema } from './directory-schemas.js'
import type { Operation } from './openapi/operation.js'
import { PollResultsSchema, PollViewSchema, PublishedResultsSchema, pollExamples } from './openapi/poll-schemas.js'

export const ResultsQuerySchema = z.object({
  /** `csv` (or send `Accept: text/csv`); `html` for the public results page */
  format: z.enum(['json', 'csv', 'html']).optional(),
  /** language of question and option labels (default Spanish) */
  locale: z.string().regex(/^[a-z]{2}$/).optional(),
})

/** an ISO 8601 instant with its offset */
const Instant = z.iso.datetime({ offset: true }).transform((text) => new Date(text))

/** The new window of a copied poll. */
export const CopyPollSchema = z
  .object({ opensAt: Instant, closesAt: Instant, remindAt: Instant.optional() })
  .refine((w) => w.closesAt > w.opensAt, { message: 'closesAt must be after opensAt', path: ['closesAt'] })
  .refine((w) => w.remindAt === undefined || (w.remindAt > w.opensAt && w.remindAt < w.closesAt), { message: 'remindAt must fall between opensAt and closesAt', path: ['remindAt'] })

const ProgressSchema = z.object({
  status: z.string(),
  audience: z.number().int(),
  queued: z.number().int(),
  deferred: z.number().int(),
  /** why the queued wait: in another of their polls, in another conversation, or for the channel's pace */
  waiting: z.object({ otherPoll: z.number().int(), conversation: z.number().int(), pace: z.number().int() }),
  remindersWaiting: z.number().int(),
  invited: z.number().int(),
  delivered: z.number().int(),
  failed: z.number().int(),
  started: z.number().int(),
  completed: z.number().int(),
  reminded: z.number().int(),
  withdrawn: z.number().int(),
})

const tag = 'polls'
/** the answer of every operation that returns one poll */
const poll = { response: PollViewSchema, example: pollExamples.view }
export const pollOperations: Operation[] = [
  { method: 'get', path: '/api/v1/polls', summary: 'List polls, newest first', tag, roles: ['admin', 'facilitator'], response: z.array(PollViewSchema), example: pollExamples.list },
  { method: 'post', path: '/api/v1/polls', summary: 'Create a poll; it opens by itself at opensAt', tag, roles: ['admin', 'facilitator'], body: PollDefinitionSchema, status: 201, ...poll },
  { method: 'get', path: '/api/v1/polls/{id}', summary: 'One poll', tag, roles: ['admin', 'facilitator'], params: IdParamSchema, ...poll },
  { method: 'put', path: '/api/v1/polls/{id}', summary: 'Replace a poll before it opens', tag, roles: ['admin', 'facilitator'], params: IdParamSchema, body: PollDefinitionSchema, ...poll },
  { method: 'post', path: '/api/v1/polls/{id}/close', summary: 'Close a poll now; results go out as at its closing time', tag, roles: ['admin', 'facilitator'], params: IdParamSchema, ...poll },
  { method: 'post', path: '/api/v1/polls/{id}/open', summary: 'Open a scheduled poll now; invitations go out from the next minute', tag, roles: ['admin', 'facilitator'], params: IdParamSchema, ...poll },
  { method: 'delete', path: '/api/v1/polls/{id}', summary: 'Cancel a poll that has not opened (an open one is closed instead)', tag, roles: ['admin', 'facilitator'], params: IdParamSchema, status: 204 },
  { method: 'post', path: '/api/v1/polls/{id}/copy', summary: 'A new scheduled poll with the same questions and audience, in a new window', tag, roles: ['admin', 'facilitator'], params: IdParamSchema, body: CopyPollSchema, status: 201, ...poll },
  { method: 'get', path: '/api/v1/polls/{id}/progress', summary: 'Delivery progress: invited, delivered, failed, started, completed', tag, roles: ['admin', 'facilitator'], params: IdParamSchema, response: ProgressSchema },
  {
    method: 'get',
    path: '/api/v1/polls/{id}/results',
    summary: 'Results as JSON or CSV (Accept: text/csv or ?format=csv): exact with free texts for admins; the publication of a closed poll for a facilitator',
    tag,
    roles: ['admin', 'facilitator'],
    params: IdParamSchema,
    query: ResultsQuerySchema,
    response: PollResultsSchema,
    example: pollExamples.results,
    media: [{ type: 'text/csv', example: pollExamples.resultsCsv }],
  },
  {
    method: 'get',
    path: '/api/v1/polls/results.css',
    summary: 'The stylesheet of the public results page',
    tag,
    roles: [],
    media: [{ type: 'text/css', example: 'meter { width: 100% }', only: true }],
  },
  {
    method: 'get',
    path: '/api/v1/polls/{id}/public-results',
    summary: 'The published results of a closed public poll (JSON, CSV, or ?format=html for a page a phone reads): no free texts, no slice under k respondents, small counts withheld ("<5", "x"), fixed once published',
    tag,
    roles: [],
    params: IdParamSchema,
    query: ResultsQuerySchema,
    response: PublishedResultsSchema,
    example: pollExamples.publicResults,
    media: [
      { type: 'text/csv', example: pollExamples.resultsCsv },
      { type: 'text/html', example: pollExamples.resultsHtml },
    ],
  },
]

/** A poll as the API shows it: its definition and where it stands. */
function view(poll: Poll) {
  const { definition, ...rest } = poll
  return { ...rest, ...definition }
}

function wantsCsv(c: Context, format: 'json' | 'csv' | 'html' | undefined): boolean {
  return format === 'csv' || (format === undefined && (c.req.header('accept') ?? '').includes('text/csv'))
}

function csvBody(c: Context, results: CsvResults & { pollId: string }) {
  return c.body(resultsCsv(results), 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="poll-${results.pollId}.csv"`,
  })
}

/**
 * Polls of the mesas de diálogo: admins define them and read progress and exact results; the
 * public reads the publication of a closed public poll, under the same rule as statistics
 * (`minCell` is STATS_MIN_CELL).
 */
export function createPollRoutes(options: { minCell?: number } = {}) {
  const minCell = options.minCell ?? DEFAULT_POLL_MIN_CELL
  return new Hono<AppEnv>()
    .get('/results.css', (c) => c.body(RESULTS_CSS, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'public, max-age=3600' }))
    .get('/:id/public-results', validate('param', IdParamSchema), validate('query', ResultsQuerySchema), async (c) => {
      const { id } = c.req.valid('param')
      const { format, locale } = c.req.valid('query')
      const poll = await getPoll(c.var.db, id)
      // a poll whose results are not public does not exist for the public
      if (poll.definition.resultsVisibility !== 'public' || poll.status !== 'closed') throw new NotFoundError('poll', id)
      const results = await publishedResults(c.var.db, id, { locale, minCell, now: c.var.now() })
      if (format === 'html') {
        const base = `/api/v1/polls/${id}/public-results?locale=${locale ?? 'es'}`
        return c.html(resultsPage(results, locale ?? 'es', { csv: `${base}&format=csv`, json: `${base}&format=json` }))
      }
      return wantsCsv(c, format) ? csvBody(c, results) : c.json(results)
    })
    .use(requireRole('admin', 'facilitator'))
    .get('/', async (c) => {
      const scope = pollScopeOf(c.var.actor)
      return c.json((await listPolls(c.var.db)).filter((poll) => audienceInScope(poll.definition.audience, scope)).map(view))
    })
    .post('/', validate('json', PollDefinitionSchema), async (c) => {
      const definition = c.req.valid('json')
      requireAudienceInScope(definition.audience, pollScopeOf(c.var.actor))
      const poll = await c.var.db.transaction(async (tx) => {
        const created = await createPoll(tx, definition, c.var.now())
        await recordAudit(tx, { actor: c.var.actor, action: 'create', entity: 'poll', entityId: created.id, details: { questions: definition.questions.length } })
        return created
      })
      return c.json(view(poll), 201)
    })
    .get('/:id', validate('param', IdParamSchema), async (c) => c.json(view(pollInScope(await getPoll(c.var.db, c.req.valid('param').id), pollScopeOf(c.var.actor)))))
    .put('/:id', validate('param', IdParamSchema), validate('json', PollDefinitionSchema), async (c) => {
      const { id } = c.req.valid('param')
      const scope = pollScopeOf(c.var.actor)
      pollInScope(await getPoll(c.var.db, id), scope)
      requireAudienceInScope(c.req.valid('json').audience, scope)
      const poll = await c.var.db.transaction(async (tx) => {
        const replaced = await replacePoll(tx, id, c.req.valid('json'), c.var.now())
        await recordAudit(tx, { actor: c.var.actor, action: 'replace', entity: 'poll', entityId: id })
        return replaced
      })
      return c.json(view(poll))
    })
    .post('/:id/close', validate('param', IdParamSchema), async (c) => {
      const { id } = c.req.valid('param')
      pollInScope(await getPoll(c.var.db, id), pollScopeOf(c.var.actor))
      const poll = await c.var.db.transaction(async (tx) => {
        const closed = await closePollNow(tx, id, c.var.now())
        await recordAudit(tx, { actor: c.var.actor, action: 'close', entity: 'poll', entityId: id })
        return closed
      })
      return c.json(view(poll))
    })
    .post('/:id/open', validate('param', IdParamSchema), async (c) => {
      const { id } = c.req.valid('param')
      pollInScope(await getPoll(c.var.db, id), pollScopeOf(c.var.actor))
      const poll = await c.var.db.transaction(async (tx) => {
        const opened = await openPollNow(tx, id, c.var.now())
        await recordAudit(tx, { actor: c.var.actor, action: 'open', entity: 'poll', entityId: id })
        return opened
      })
      return c.json(view(poll))
    })
    .delete('/:id', validate('param', IdParamSchema), async (c) => {
      const { id } = c.req.valid('param')
      pollInScope(await getPoll(c.var.db, id), pollScopeOf(c.var.actor))
      await c.var.db.transaction(async (tx) => {
        await cancelPoll(tx, id)
        await recordAudit(tx, { actor: c.var.actor, action: 'cancel', entity: 'poll', entityId: id })
      })
      return c.body(null, 204)
    })
    .post('/:id/copy', validate('param', IdParamSchema), validate('json', CopyPollSchema), async (c) => {
      const { id } = c.req.valid('param')
      pollInScope(await getPoll(c.var.db, id), pollScopeOf(c.var.actor))
      const poll = await c.var.db.transaction(async (tx) => {
        const copied = await copyPoll(tx, id, c.req.valid('json'), c.var.now())
        await recordAudit(tx, { actor: c.var.actor, action: 'copy', entity: 'poll', entityId: copied.id, details: { from: id } })
        return copied
      })
      return c.json(view(poll), 201)
    })
    .get('/:id/progress', validate('param', IdParamSchema), async (c) => {
      const { id } = c.req.valid('param')
      pollInScope(await getPoll(c.var.db, id), pollScopeOf(c.var.actor))
      return c.json(await pollProgress(c.var.db, id, c.var.now()))
    })
    .get('/:id/results', validate('param', IdParamSchema), validate('query', ResultsQuerySchema), async (c) => {
      const { id } = c.req.valid('param')
      const { format, locale } = c.req.valid('query')
      pollInScope(await getPoll(c.var.db, id), pollScopeOf(c.var.actor))
      // a facilitator reads what its members read, under the same rule as the public: no free
      // texts, no slice under k, so a mesa of six cannot read its neighbour's ballot
      const results =
        c.var.actor.role === 'admin'
          ? await pollResults(c.var.db, id, { locale, withTexts: true })
          : await publishedResults(c.var.db, id, { locale, minCell, now: c.var.now() })
      return wantsCsv(c, format) ? csvBody(c, results) : c.json(results)
    })
}

/** The poll routes with the default threshold (k = 5). */
export const pollRoutes = createPollRoutes()
