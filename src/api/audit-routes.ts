import { Hono } from 'hono'
import { z } from 'zod'
import { validate } from '../http/validate.js'
import type { AppEnv } from './app-env.js'
import { listAudit } from './audit.js'
import { requireRole } from './auth.js'
import { AuditEntrySchema, pageOf } from './directory-schemas.js'
import type { Operation } from './openapi/operation.js'

export const ListAuditQuerySchema = z.object({
  entity: z.string().max(40).optional(),
  entityId: z.string().max(100).optional(),
  /** the start of the actor as written in the log: `token:<name>`, `staff:<contactId>`, 'cli', 'system'; `token:Ana` finds `token:Ana López` */
  actor: z.string().max(120).optional(),
  cursor: z.string().max(20).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

export const auditOperations: Operation[] = [
  { method: 'get', path: '/api/v1/audit', summary: 'Admin writes, newest first: who did what, when', tag: 'audit', roles: ['admin'], query: ListAuditQuerySchema, response: pageOf(AuditEntrySchema) },
]

/** The audit log of admin writes, readable by admins only. */
export const auditRoutes = new Hono<AppEnv>()
  .use(requireRole('admin'))
  .get('/', validate('query', ListAuditQuerySchema), async (c) => c.json(await listAudit(c.var.db, c.req.valid('query'))))
