import { Hono } from 'hono'
import { z } from 'zod'
import { createLinkCode, listStaffLinks, revokeStaffLink } from '../staff/link-codes.js'
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

export const StaffLinkSchema = z.object({
  contactId: z.uuid(),
  channel: z.string(),
  displayName: z.string().nullable(),
  unitId: z.uuid(),
  unit: z.string(),
  createdAt: z.iso.datetime(),
})
export const ListStaffLinksQuerySchema = z.strictObject({ unitId: z.uuid().optional() })
const ContactParamSchema = z.object({ contactId: z.uuid() })
export const RevokeStaffLinkQuerySchema = z.strictObject({ unitId: z.uuid().optional() })
export const RevokedStaffLinkSchema = z.object({ contactId: z.uuid(), unitIds: z.array(z.uuid()) })

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
  {
    method: 'get',
    path: '/api/v1/staff/links',
    summary: "The staff chats linked to units (an institution token: its own units'), newest first",
    tag: 'staff',
    roles: ['admin', 'institution'],
    query: ListStaffLinksQuerySchema,
    response: z.object({ items: z.array(StaffLinkSchema) }),
  },
  {
    method: 'delete',
    path: '/api/v1/staff/links/{contactId}',
    summary: 'Unlink a staff chat from one unit (?unitId=) or from every unit the token may manage; the chat gets no more alerts',
    tag: 'staff',
    roles: ['admin', 'institution'],
    params: ContactParamSchema,
    query: RevokeStaffLinkQuerySchema,
    response: RevokedStaffLinkSchema,
  },
]

/** Staff chat links: codes, the list, revocation. An institution token manages its own units' only. */
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
  .get('/links', validate('query', ListStaffLinksQuerySchema), async (c) => {
    const actor = c.var.actor
    const items = await listStaffLinks(c.var.db, actor.role === 'admin' ? null : actor.unitIds, c.req.valid('query').unitId)
    return c.json({ items })
  })
  .delete('/links/:contactId', validate('param', ContactParamSchema), validate('query', RevokeStaffLinkQuerySchema), async (c) => {
    const actor = c.var.actor
    const { contactId } = c.req.valid('param')
    const unitIds = await c.var.db.transaction(async (tx) => {
      const removed = await revokeStaffLink(tx, { contactId, unitId: c.req.valid('query').unitId, scope: actor.role === 'admin' ? null : actor.unitIds })
      await recordAudit(tx, { actor, action: 'revoke', entity: 'staff-link', entityId: contactId, details: { unitIds: removed } })
      return removed
    })
    return c.json({ contactId, unitIds })
  })
