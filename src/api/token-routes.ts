import { Hono } from 'hono'
import { z } from 'zod'
import { issueToken } from '../auth/issue-token.js'
import { listTokens, revokeToken } from '../auth/tokens.js'
import { ROLES } from '../db/schema/index.js'
import { NotFoundError } from '../domain-errors.js'
import { validate } from '../http/validate.js'
import type { AppEnv } from './app-env.js'
import { recordAudit } from './audit.js'
import { requireRole } from './auth.js'
import { IdParamSchema, TokenListingSchema } from './directory-schemas.js'
import type { Operation } from './openapi/operation.js'

export const CreateTokenSchema = z.object({
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
  /** required for an institution token, refused for the others */
  unitIds: z.array(z.uuid()).max(500).optional(),
  /** required for a facilitator token (its mesas), refused for the others */
  groupIds: z.array(z.uuid()).max(100).optional(),
})
const CreatedTokenSchema = z.object({ id: z.uuid(), name: z.string(), role: z.enum(ROLES), unitIds: z.array(z.uuid()), groupIds: z.array(z.uuid()), token: z.string() })

export const tokenOperations: Operation[] = [
  { method: 'get', path: '/api/v1/tokens', summary: 'List API tokens (never their secrets)', tag: 'tokens', roles: ['admin'], response: z.object({ items: z.array(TokenListingSchema) }) },
  { method: 'post', path: '/api/v1/tokens', summary: 'Create an API token; the secret is in this answer only', tag: 'tokens', roles: ['admin'], body: CreateTokenSchema, response: CreatedTokenSchema, status: 201 },
  { method: 'post', path: '/api/v1/tokens/{id}/revoke', summary: 'Revoke an API token', tag: 'tokens', roles: ['admin'], params: IdParamSchema, response: TokenListingSchema },
]

/** API tokens, for admins: list, create (the secret shown once), revoke. */
export const tokenRoutes = new Hono<AppEnv>()
  .use(requireRole('admin'))
  .get('/', async (c) => c.json({ items: await listTokens(c.var.db) }))
  .post('/', validate('json', CreateTokenSchema), async (c) => {
    const input = c.req.valid('json')
    const created = await c.var.db.transaction(async (tx) => {
      const token = await issueToken(tx, input)
      await recordAudit(tx, { actor: c.var.actor, action: 'create', entity: 'token', entityId: token.id, details: { role: token.role, unitIds: token.unitIds, groupIds: token.groupIds } })
      return token
    })
    c.header('cache-control', 'no-store')
    return c.json(created, 201)
  })
  .post('/:id/revoke', validate('param', IdParamSchema), async (c) => {
    const { id } = c.req.valid('param')
    const revoked = await c.var.db.transaction(async (tx) => {
      if (!(await revokeToken(tx, id, c.var.now()))) throw new NotFoundError('token', id)
      await recordAudit(tx, { actor: c.var.actor, action: 'revoke', entity: 'token', entityId: id })
      return (await listTokens(tx)).find((token) => token.id === id)
    })
    return c.json(revoked)
  })
