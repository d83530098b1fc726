import { Hono } from 'hono'
import { z } from 'zod'
import { getCase, listCases } from '../cases/index.js'
import { CASE_STATUSES, SECTORS } from '../db/schema/index.js'
import { validate } from '../http/validate.js'
import type { AppEnv } from './app-env.js'
import { requireRole } from './auth.js'
import type { Operation } from './openapi/operation.js'

export const ListCasesQuerySchema = z.object({
  status: z.enum(CASE_STATUSES).optional(),
  sector: z.enum(SECTORS).optional(),
  municipality: z.string().regex(/^\d{4}$/, 'a four-digit INE municipality code').optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
})

const CodeParamSchema = z.object({ code: z.string().min(4).max(20) })

export const caseOperations: Operation[] = [
  { method: 'get', path: '/api/v1/cases', summary: 'List cases, newest first', tag: 'cases', roles: ['admin'], query: ListCasesQuerySchema },
  { method: 'get', path: '/api/v1/cases/{code}', summary: 'A case with its events', tag: 'cases', roles: ['admin'], params: CodeParamSchema },
]

/** Cases, for admins (institution scopes arrive with case management). */
export const caseRoutes = new Hono<AppEnv>()
  .use(requireRole('admin'))
  .get('/', validate('query', ListCasesQuerySchema), async (c) => c.json(await listCases(c.var.db, c.req.valid('query'))))
  .get('/:code', validate('param', CodeParamSchema), async (c) => c.json(await getCase(c.var.db, c.req.valid('param').code)))
