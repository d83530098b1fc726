import { Hono } from 'hono'
import { z } from 'zod'
import { replaceUnit } from '../directory/replace-unit.js'
import { closeUnit, createUnit, getUnit, listUnits, updateUnit } from '../directory/units.js'
import { validate } from '../http/validate.js'
import type { AppEnv } from './app-env.js'
import { actorName, recordAudit } from './audit.js'
import { requireRole } from './auth.js'
import { CodeSchema, DepartmentCodeSchema, IdParamSchema, MunicipalityCodeSchema, UnitSchema, pageOf } from './directory-schemas.js'
import type { Operation } from './openapi/operation.js'
import { scopeOf } from './scope.js'

const NameSchema = z.string().trim().min(1).max(200)
/** an ISO 8601 instant with its offset (`2027-01-14T00:00:00-06:00`) */
const DateSchema = z.iso.datetime({ offset: true }).transform((text) => new Date(text))

export const ListUnitsQuerySchema = z.object({
  institutionId: z.uuid().optional(),
  parentId: z.uuid().optional(),
  departmentCode: DepartmentCodeSchema.optional(),
  municipalityCode: MunicipalityCodeSchema.optional(),
  /** only units in force at this instant (ISO 8601) */
  activeAt: DateSchema.optional(),
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})
export const CreateUnitSchema = z.object({
  code: CodeSchema,
  institutionId: z.uuid(),
  name: NameSchema,
  parentId: z.uuid().optional(),
  departmentCode: DepartmentCodeSchema.optional(),
  municipalityCode: MunicipalityCodeSchema.optional(),
  validFrom: DateSchema.optional(),
})
export const UpdateUnitSchema = z.strictObject({ name: NameSchema.optional(), parentId: z.uuid().nullable().optional() })
export const CloseUnitSchema = z.object({ validTo: DateSchema })
export const ReplaceUnitSchema = z.object({
  code: CodeSchema,
  name: NameSchema,
  validFrom: DateSchema.optional(),
  moveOpenCases: z.boolean().default(false),
  /** link the old unit's staff chats to the successor as well */
  moveStaffLinks: z.boolean().default(true),
  /** add the successor to the tokens scoped to the old unit */
  moveTokenScopes: z.boolean().default(true),
  note: z.string().trim().min(1).max(1000).optional(),
})
const ReplaceResultSchema = z.object({
  predecessor: UnitSchema,
  successor: UnitSchema,
  rulesMoved: z.number().int(),
  childrenMoved: z.number().int(),
  casesMoved: z.number().int(),
  staffLinksMoved: z.number().int(),
  tokensUpdated: z.number().int(),
})

const read = ['admin', 'institution'] as const
export const unitOperations: Operation[] = [
  { method: 'get', path: '/api/v1/units', summary: 'List units by code (an institution token sees its own)', tag: 'directory', roles: read, query: ListUnitsQuerySchema, response: pageOf(UnitSchema) },
  { method: 'get', path: '/api/v1/units/{id}', summary: 'One unit', tag: 'directory', roles: read, params: IdParamSchema, response: UnitSchema },
  { method: 'post', path: '/api/v1/units', summary: 'Create a unit', tag: 'directory', roles: ['admin'], body: CreateUnitSchema, response: UnitSchema, status: 201 },
  { method: 'patch', path: '/api/v1/units/{id}', summary: 'Rename a unit or change where it escalates', tag: 'directory', roles: ['admin'], params: IdParamSchema, body: UpdateUnitSchema, response: UnitSchema },
  { method: 'post', path: '/api/v1/units/{id}/close', summary: 'Close a unit (never deleted); refused while rules send cases to it', tag: 'directory', roles: ['admin'], params: IdParamSchema, body: CloseUnitSchema, response: UnitSchema },
  { method: 'post', path: '/api/v1/units/{id}/replace', summary: 'Replace a unit by a successor, moving its rules, child units, staff chat links and token scopes, and optionally its open cases', tag: 'directory', roles: ['admin'], params: IdParamSchema, body: ReplaceUnitSchema, response: ReplaceResultSchema, status: 201 },
]

/** Units of institutions: admins manage them; an institution token reads its own. */
export const unitRoutes = new Hono<AppEnv>()
  .get('/', requireRole(...read), validate('query', ListUnitsQuerySchema), async (c) => c.json(await listUnits(c.var.db, c.req.valid('query'), scopeOf(c.var.actor))))
  .get('/:id', requireRole(...read), validate('param', IdParamSchema), async (c) => c.json(await getUnit(c.var.db, c.req.valid('param').id, scopeOf(c.var.actor))))
  .post('/', requireRole('admin'), validate('json', CreateUnitSchema), async (c) => {
    const input = c.req.valid('json')
    const created = await c.var.db.transaction(async (tx) => {
      const unit = await createUnit(tx, input, c.var.now())
      await recordAudit(tx, { actor: c.var.actor, action: 'create', entity: 'unit', entityId: unit.id, details: { code: unit.code, institutionId: unit.institutionId } })
      return unit
    })
    return c.json(created, 201)
  })
  .patch('/:id', requireRole('admin'), validate('param', IdParamSchema), validate('json', UpdateUnitSchema), async (c) => {
    const { id } = c.req.valid('param')
    const input = c.req.valid('json')
    const updated = await c.var.db.transaction(async (tx) => {
      const unit = await updateUnit(tx, id, input, c.var.now())
      await recordAudit(tx, { actor: c.var.actor, action: 'update', entity: 'unit', entityId: id, details: input })
      return unit
    })
    return c.json(updated)
  })
  .post('/:id/close', requireRole('admin'), validate('param', IdParamSchema), validate('json', CloseUnitSchema), async (c) => {
    const { id } = c.req.valid('param')
    const { validTo } = c.req.valid('json')
    const closed = await c.var.db.transaction(async (tx) => {
      const unit = await closeUnit(tx, id, validTo, c.var.now())
      await recordAudit(tx, { actor: c.var.actor, action: 'close', entity: 'unit', entityId: id, details: { validTo: validTo.toISOString() } })
      return unit
    })
    return c.json(closed)
  })
  .post('/:id/replace', requireRole('admin'), validate('param', IdParamSchema), validate('json', ReplaceUnitSchema), async (c) => {
    const { id } = c.req.valid('param')
    const input = c.req.valid('json')
    const result = await c.var.db.transaction(async (tx) => {
      const replaced = await replaceUnit(tx, id, { ...input, actor: actorName(c.var.actor) }, c.var.now())
      await recordAudit(tx, {
        actor: c.var.actor,
        action: 'replace',
        entity: 'unit',
        entityId: id,
        details: { successorId: replaced.successor.id, successorCode: replaced.successor.code, rulesMoved: replaced.rulesMoved, childrenMoved: replaced.childrenMoved, casesMoved: replaced.casesMoved, staffLinksMoved: replaced.staffLinksMoved, tokensUpdated: replaced.tokensUpdated },
      })
      return replaced
    })
    return c.json(result, 201)
  })
