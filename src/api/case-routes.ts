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
import { CASE_STATUSES, SECTORS } from '../db/schema/index.js'
import { ForbiddenError } from '../domain-errors.js'
import { validate } from '../http/validate.js'
import type { AppEnv } from './app-env.js'
import { actorName, recordAudit } from './audit.js'
import { requireRole } from './auth.js'
import type { Operation } from './openapi/operation.js'

export const ListCasesQuerySchema = z.object({
  status: z.enum(CASE_STATUSES).optional(),
  sector: z.enum(SECTORS).optional(),
  municipality: z.string().regex(/^\d{4}$/, 'a four-digit INE municipality code').optional(),
  unitId: z.uuid().optional(),
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
export const CaseContactSchema = z.object({ code: z.string(), channel: z.string(), address: z.string(), displayName: z.string().nullable() })

const WORKERS = ['admin', 'institution'] as const
const op = (operation: Omit<Operation, 'tag' | 'roles'> & { roles?: Operation['roles'] }): Operation => ({ tag: 'cases', roles: WORKERS, ...operation })

export const caseOperations: Operation[] = [
  op({ method: 'get', path: '/api/v1/cases', summary: "List cases, newest first (an institution token sees its units' cases)", query: ListCasesQuerySchema }),
  op({ method: 'get', path: '/api/v1/cases/{code}', summary: 'A case with its events', params: CodeParamSchema }),
  op({ method: 'post', path: '/api/v1/cases/{code}/transition', summary: 'Change the status of a case; illegal moves answer 409', params: CodeParamSchema, body: TransitionBodySchema }),
  op({ method: 'post', path: '/api/v1/cases/{code}/comments', summary: 'Add a note; a public one is sent to the citizen', params: CodeParamSchema, body: CommentBodySchema, status: 201 }),
  op({ method: 'post', path: '/api/v1/cases/{code}/reassign', summary: 'Hand an open case to another unit', params: CodeParamSchema, body: ReassignBodySchema }),
  op({ method: 'post', path: '/api/v1/cases/bulk-move', summary: "Move every open case of a unit to another (an institution token: from one of its units)", body: BulkMoveBodySchema }),
  op({
    method: 'get',
    path: '/api/v1/cases/{code}/contact',
    summary: "The citizen's contact: named cases, or confidential ones whose citizen agreed in the chat; to the case's unit or an admin",
    params: CodeParamSchema,
    response: CaseContactSchema,
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
    const { unitId, ...query } = c.req.valid('query')
    const scope = scopeOf(c.var.actor)
    const wanted = unitId === undefined ? scope : inScope(scope, unitId) ? [unitId] : []
    return c.json(await listCases(c.var.db, { ...query, ...(wanted === null ? {} : { unitIds: wanted }) }))
  })
  .post('/bulk-move', validate('json', BulkMoveBodySchema), async (c) => {
    const body = c.req.valid('json')
    const scope = scopeOf(c.var.actor)
    if (!inScope(scope, body.fromUnitId)) throw new ForbiddenError(`this token may not move the cases of unit ${body.fromUnitId}`)
    const moved = await c.var.db.transaction(async (tx) => {
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
