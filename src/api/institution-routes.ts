import { Hono } from 'hono'
import { z } from 'zod'
import { createInstitution, getInstitution, listInstitutions, renameInstitution } from '../directory/institutions.js'
import { validate } from '../http/validate.js'
import type { AppEnv } from './app-env.js'
import { recordAudit } from './audit.js'
import { requireRole } from './auth.js'
import { CodeSchema, IdParamSchema, InstitutionSchema } from './directory-schemas.js'
import type { Operation } from './openapi/operation.js'
import { scopeOf } from './scope.js'

const NameSchema = z.string().trim().min(1).max(200)
export const CreateInstitutionSchema = z.object({ code: CodeSchema, name: NameSchema })
export const UpdateInstitutionSchema = z.object({ name: NameSchema })

export const institutionOperations: Operation[] = [
  { method: 'get', path: '/api/v1/institutions', summary: 'List institutions (an institution token sees its own)', tag: 'directory', roles: ['admin', 'institution'], response: z.object({ items: z.array(InstitutionSchema) }) },
  { method: 'get', path: '/api/v1/institutions/{id}', summary: 'One institution', tag: 'directory', roles: ['admin', 'institution'], params: IdParamSchema, response: InstitutionSchema },
  { method: 'post', path: '/api/v1/institutions', summary: 'Create an institution', tag: 'directory', roles: ['admin'], body: CreateInstitutionSchema, response: InstitutionSchema, status: 201 },
  { method: 'patch', path: '/api/v1/institutions/{id}', summary: 'Rename an institution', tag: 'directory', roles: ['admin'], params: IdParamSchema, body: UpdateInstitutionSchema, response: InstitutionSchema },
]

/** Institutions: admins manage them; an institution token reads the ones its units belong to. */
export const institutionRoutes = new Hono<AppEnv>()
  .get('/', requireRole('admin', 'institution'), async (c) => c.json({ items: await listInstitutions(c.var.db, scopeOf(c.var.actor)) }))
  .get('/:id', requireRole('admin', 'institution'), validate('param', IdParamSchema), async (c) =>
    c.json(await getInstitution(c.var.db, c.req.valid('param').id, scopeOf(c.var.actor))),
  )
  .post('/', requireRole('admin'), validate('json', CreateInstitutionSchema), async (c) => {
    const input = c.req.valid('json')
    const created = await c.var.db.transaction(async (tx) => {
      const row = await createInstitution(tx, input)
      await recordAudit(tx, { actor: c.var.actor, action: 'create', entity: 'institution', entityId: row.id, details: { code: row.code, name: row.name } })
      return row
    })
    return c.json(created, 201)
  })
  .patch('/:id', requireRole('admin'), validate('param', IdParamSchema), validate('json', UpdateInstitutionSchema), async (c) => {
    const { id } = c.req.valid('param')
    const { name } = c.req.valid('json')
    const updated = await c.var.db.transaction(async (tx) => {
      const row = await renameInstitution(tx, id, name)
      await recordAudit(tx, { actor: c.var.actor, action: 'update', entity: 'institution', entityId: id, details: { name } })
      return row
    })
    return c.json(updated)
  })
