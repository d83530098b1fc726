import { Hono } from 'hono'
import { z } from 'zod'
import { createLinkCode } from '../staff/link-codes.js'
import { validate } from '../http/validate.js'
import type { AppEnv } from './app-env.js'
import { actorName, recordAudit } from './audit.js'
import { requireRole } from './auth.js'
import type { Operation } from './openapi/operation.js'

export const LinkCodeBodySchema = z.object({
  unitIds: z.array(z.uuid()).min(1).max(50),
  /** minutes until the code expires; a day by default, a week at most */
  ttlMinutes: z.number().int().min(5).max(7 * 24 * 60).optional(),
})
export const LinkCodeSchema = z.object({ code: z.string(), unitIds: z.array(z.uuid()), expiresAt: z.iso.datetime() })

export const staffOperations: Operation[] = [
  {
    method: 'post',
    path: '/api/v1/staff/link-codes',
    summary: 'A one-time code a staff member sends as "vincular CODE" to get alerts for these units',
    tag: 'staff',
    roles: ['admin', 'institution'],
    body: LinkCodeBodySchema,
    response: LinkCodeSchema,
    status: 201,
  },
]

/** Staff chat links. An institution token may only link chats to its own units. */
export const staffRoutes = new Hono<AppEnv>()
  .use(requireRole('admin', 'institution'))
  .post('/link-codes', validate('json', LinkCodeBodySchema), async (c) => {
    const body = c.req.valid('json')
    const actor = c.var.actor
    const created = await c.var.db.transaction(async (tx) => {
      const code = await createLinkCode(tx, {
        ...body,
        createdBy: actorName(actor),
        scope: actor.role === 'admin' ? null : actor.unitIds,
        now: c.var.now(),
      })
      // the code itself stays out of the audit log: it is a secret until used
      await recordAudit(tx, { actor, action: 'create', entity: 'staff-link-code', entityId: code.unitIds.join(','), details: { unitIds: code.unitIds } })
      return code
    })
    return c.json(created, 201)
  })
