import { Hono } from 'hono'
import { z } from 'zod'
import type { TokenOwner } from '../auth/tokens.js'
import { type UnitScope, inScope, loadCase } from '../cases/case-ref.js'
import { caseContact } from '../cases/case-contact.js'
import { REQUESTABLE_STATUSES } from '../cases/case-transitions.js'
import { commentCase } from '../cases/comment-case.js'
import { getCase, listCases } from '../cases/index.js'
import { moveOpenCases } from '../cases/move-open-cases.js'
import { reassignCase } from '../cases/reassign-case.js'
import { transitionCase } from '../cases/transition-case.js'
import { assignCase } from '../cases/assign-case.js'
import { casesCsv } from '../cases/cases-csv.js'
import { assertWithinInstitution } from '../cases/institution-scope.js'
import { type CaseExportRow, listCaseRows } from '../cases/list-cases.js'
import { CASE_STATUSES, SECTORS } from '../db/schema/index.js'
import { ForbiddenError } from '../domain-errors.js'
import { validate } from '../http/validate.js'
import type { AppEnv } from './app-env.js'
import { actorName, recordAudit } from './audit.js'
import { requireRole } from './auth.js'
import type { Operation } from './openapi/operation.js'
import { AssignResultSchema, BulkMoveResultSchema, CaseDetailSchema, CasePageSchema, CommentResultSchema, ReassignResultSchema, TransitionResultSchema, caseExamples } from './case-schemas.js'

const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a day, YYYY-MM-DD (Guatemala)')
const Flag = z.enum(['true', 'false']).transform((value) => value === 'true')

/**
 * The case list's filters. Strict: an unknown parameter is refused with a 400 naming it, so a
 * misspelt filter (`?q=` was once silently ignored) never passes for one that worked.
 */
export const ListCasesQuerySchema = z.strictObject({
  status: z.enum(CASE_STATUSES).optional(),
  sector: z.enum(SECTORS).optional(),
  category: z.string().regex(/^[a-z_]{1,60}$/, 'a category code, e.g. medicine_shortage').optional(),
  department: z.string().regex(/^\d{2}$/, 'a two-digit INE department code').optional(),
  municipality: z.string().regex(/^\d{4}$/, 'a four-digit INE municipality code').optional(),
  /** filed on or after this day */
  from: Day.optional(),
  /** filed on or before this day */
  to: Day.optional(),
  /** open and past the resolution deadline */
  overdue: Flag.optional(),
  urgent: Flag.optional(),
  /** `true`: cases whose account is a voice note to listen to ("escuchar") */
  needsListening: Flag.optional(),
  /** `staff:<contactId>`, `token:<name>`, or `none` */
  assignee: z.string().min(1).max(200).optional(),
  /** words searched in the description and facility (the masked text, for institution tokens) */
  q: z.string().trim().min(2).max(100).optional(),
  unitId: z.uuid().optional(),
  /** `csv` exports the whole list (as `Accept: text/csv` does); json by default */
  format: z.enum(['json', 'csv']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

const CodeParamSchema = z.object({ code: z.string().min(4).max(20) })
const NoteSchema = z.string().trim().min(1).max(2000)

export const TransitionBodySchema = z.object({
  to: z.enum(REQUESTABLE_STATUSES),
  /** the reason, required when `to` is rejected */
  note: NoteSchema.optional(),
  /** whether the citizen is told and may read the note (default true) */
  public: z.boolean().default(true),
})
export const CommentBodySchema = z.object({ note: NoteSchema, public: z.boolean().default(false) })
export const ReassignBodySchema = z.object({ unitId: z.uuid(), note: NoteSchema, public: z.boolean().default(false) })
export const BulkMoveBodySchema = z.object({ fromUnitId: z.uuid(), toUnitId: z.uuid(), note: NoteSchema })
export const AssignBodySchema = z.object({
  /** `staff:<contactId>` of a chat linked to the case's unit, `token:<name>` of an institution token of that unit; null unassigns */
  assignee: z.string().regex(/^(staff|token):.{1,200}$/, 'staff:<contactId> or token:<name>').nullable(),
})
export const CaseContactSchema = z.object({ code: z.string(), channel: z.string(), address: z.string(), displayName: z.string().nullable() })

const WORKERS = ['admin', 'institution'] as const
const EXPORT_PAGE = 1000
/** The most rows one export holds; narrow the filters for more. */
export const EXPORT_MAX = 20_000
const op = (operation: Omit<Operation, 'tag' | 'roles'> & { roles?: Operation['roles'] }): Operation => ({ tag: 'cases', roles: WORKERS, ...operation })

export const caseOperations: Operation[] = [
  op({
    method: 'get',
    path: '/api/v1/cases',
    summary: "List cases, newest first (an institution token sees its units' cases); unknown filters answer 400; ?format=csv or Accept: text/csv exports the whole list",
    query: ListCasesQuerySchema,
    response: CasePageSchema,
    example: caseExamples.page,
    media: [{ type: 'text/csv', example: '"code","createdAt","status"\r\n"7K3QM-2XW9P","2026-11-25T15:00:00.000Z","acknowledged"\r\n' }],
  }),
  op({ method: 'get', path: '/api/v1/cases/{code}', summary: 'A case with its events (texts masked for institution tokens)', params: CodeParamSchema, response: CaseDetailSchema, example: caseExamples.detail }),
  op({ method: 'post', path: '/api/v1/cases/{code}/transition', summary: 'Change the status of a case; illegal moves answer 409', params: CodeParamSchema, body: TransitionBodySchema, response: TransitionResultSchema, example: caseExamples.transition }),
  op({ method: 'post', path: '/api/v1/cases/{code}/comments', summary: 'Add a note; a public one is sent to the citizen', params: CodeParamSchema, body: CommentBodySchema, status: 201, response: CommentResultSchema, example: caseExamples.comment }),
  op({ method: 'post', path: '/api/v1/cases/{code}/reassign', summary: 'Hand an open case to another unit (an institution token: of its own institution)', params: CodeParamSchema, body: ReassignBodySchema, response: ReassignResultSchema, example: caseExamples.reassign }),
  op({ method: 'post', path: '/api/v1/cases/{code}/assign', summary: 'Name the person of the unit who works the case (a linked staff chat or an institution token), or null to clear it', params: CodeParamSchema, body: AssignBodySchema, response: AssignResultSchema, example: caseExamples.assign }),
  op({ method: 'post', path: '/api/v1/cases/bulk-move', summary: "Move every open case of a unit to another (an institution token: from one of its units, within its institution)", body: BulkMoveBodySchema, response: BulkMoveResultSchema, example: caseExamples.bulkMove }),
  op({
    method: 'get',
    path: '/api/v1/cases/{code}/contact',
    summary: "The citizen's contact: named cases, or confidential ones whose citizen agreed in the chat; to the case's unit or an admin",
    params: CodeParamSchema,
    response: CaseContactSchema,
    example: caseExamples.contact,
  }),
]

/** The units a token may work on: all for an admin, its own for an institution. */
function scopeOf(actor: TokenOwner): UnitScope {
  return actor.role === 'admin' ? null : actor.unitIds
}

/** Cases for admins and, limited to their units, institutions. Every write is audited. */
export const caseRoutes = new Hono<AppEnv>()
  .use(requireRole(...WORKERS))
  .get('/', validate('query', ListCasesQuerySchema), async (c) => {
    const { unitId, format, ...query } = c.req.valid('query')
    const scope = scopeOf(c.var.actor)
    const wanted = unitId === undefined ? scope : inScope(scope, unitId) ? [unitId] : []
    // the citizen's words as written only for admins; institutions search and read them masked
    const options = { ...query, ...(wanted === null ? {} : { unitIds: wanted }), text: c.var.actor.role === 'admin' ? ('original' as const) : ('masked' as const), now: c.var.now() }
    const csv = format === 'csv' || (format === undefined && (c.req.header('accept') ?? '').includes('text/csv'))
    if (!csv) return c.json(await listCases(c.var.db, options))
    const rows: CaseExportRow[] = []
    let cursor = query.cursor
    // the whole list, as far as EXPORT_MAX rows: an export is for a spreadsheet, not for paging
    do {
      const page = await listCaseRows(c.var.db, { ...options, cursor, limit: EXPORT_PAGE, maxLimit: EXPORT_PAGE })
      rows.push(...page.items.map(({ id: _id, ...row }) => row))
      cursor = page.nextCursor ?? undefined
    } while (cursor !== undefined && rows.length < EXPORT_MAX)
    await recordAudit(c.var.db, { actor: c.var.actor, action: 'export', entity: 'case', entityId: 'list', details: { rows: rows.length } })
    return c.body(casesCsv(rows.slice(0, EXPORT_MAX)), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': 'attachment; filename="casos.csv"',
    })
  })
  .post('/bulk-move', validate('json', BulkMoveBodySchema), async (c) => {
    const body = c.req.valid('json')
    const scope = scopeOf(c.var.actor)
    if (!inScope(scope, body.fromUnitId)) throw new ForbiddenError(`this token may not move the cases of unit ${body.fromUnitId}`)
    const moved = await c.var.db.transaction(async (tx) => {
      await assertWithinInstitution(tx, scope, body.toUnitId)
      const count = await moveOpenCases(tx, { ...body, actor: actorName(c.var.actor), now: c.var.now() })
      await recordAudit(tx, { actor: c.var.actor, action: 'bulk-move', entity: 'unit', entityId: body.fromUnitId, details: { toUnitId: body.toUnitId, moved: count } })
      return count
    })
    return c.json({ moved })
  })
  .get('/:code', validate('param', CodeParamSchema), async (c) => {
    const kase = await loadCase(c.var.db, c.req.valid('param').code, scopeOf(c.var.actor))
    // the citizen's own words, unmasked, only for admins; institutions read them with personal data masked
    return c.json(await getCase(c.var.db, kase.code, { original: c.var.actor.role === 'admin' }))
  })
  .get('/:code/contact', validate('param', CodeParamSchema), async (c) => {
    const contact = await c.var.db.transaction(async (tx) => {
      const found = await caseContact(tx, c.req.valid('param').code, scopeOf(c.var.actor))
      // Reading a citizen's contact is rare and sensitive: it is audited like a write.
      await recordAudit(tx, { actor: c.var.actor, action: 'read-contact', entity: 'case', entityId: found.code })
      return found
    })
    return c.json(contact)
  })
  .post('/:code/transition', validate('param', CodeParamSchema), validate('json', TransitionBodySchema), async (c) => {
    const body = c.req.valid('json')
    const result = await c.var.db.transaction(async (tx) => {
      const done = await transitionCase(tx, {
        code: c.req.valid('param').code,
        ...body,
        actor: actorName(c.var.actor),
        scope: scopeOf(c.var.actor),
        now: c.var.now(),
      })
      await recordAudit(tx, { actor: c.var.actor, action: 'transition', entity: 'case', entityId: done.code, details: { from: done.from, to: done.to } })
      return done
    })
    return c.json(result)
  })
  .post('/:code/assign', validate('param', CodeParamSchema), validate('json', AssignBodySchema), async (c) => {
    const body = c.req.valid('json')
    const result = await c.var.db.transaction(async (tx) => {
      const done = await assignCase(tx, { code: c.req.valid('param').code, assignee: body.assignee, actor: actorName(c.var.actor), scope: scopeOf(c.var.actor), now: c.var.now() })
      await recordAudit(tx, { actor: c.var.actor, action: 'assign', entity: 'case', entityId: done.code, details: { assignee: done.assignee } })
      return done
    })
    return c.json(result)
  })
  .post('/:code/comments', validate('param', CodeParamSchema), validate('json', CommentBodySchema), async (c) => {
    const body = c.req.valid('json')
    const result = await c.var.db.transaction(async (tx) => {
      const done = await commentCase(tx, { code: c.req.valid('param').code, ...body, actor: actorName(c.var.actor), scope: scopeOf(c.var.actor), now: c.var.now() })
      await recordAudit(tx, { actor: c.var.actor, action: 'comment', entity: 'case', entityId: done.code, details: { public: body.public } })
      return done
    })
    return c.json(result, 201)
  })
  .post('/:code/reassign', validate('param', CodeParamSchema), validate('json', ReassignBodySchema), async (c) => {
    const body = c.req.valid('json')
    const result = await c.var.db.transaction(async (tx) => {
      const done = await reassignCase(tx, { code: c.req.valid('param').code, ...body, actor: actorName(c.var.actor), scope: scopeOf(c.var.actor), now: c.var.now() })
      await recordAudit(tx, { actor: c.var.actor, action: 'reassign', entity: 'case', entityId: done.code, details: { unitId: done.unit.id } })
      return done
    })
    return c.json(result)
  })
