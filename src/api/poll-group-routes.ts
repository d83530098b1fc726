import { Hono } from 'hono'
import { z } from 'zod'
import { validate } from '../http/validate.js'
import { createGroup, getGroup, listGroups, rotateInviteCode } from '../polls/groups.js'
import { listMembers, removeMember } from '../polls/member-numbers.js'
import type { AppEnv } from './app-env.js'
import { recordAudit } from './audit.js'
import { requireRole } from './auth.js'
import { ForbiddenError, NotFoundError } from '../domain-errors.js'
import { pollScopeOf } from './scope.js'
import type { Context } from 'hono'
import { IdParamSchema, MunicipalityCodeSchema } from './directory-schemas.js'
import type { Operation } from './openapi/operation.js'

export const CreateGroupSchema = z.object({
  name: z.string().trim().min(1).max(200),
  /** the municipality of the mesa, for results by municipality */
  municipalityCode: MunicipalityCodeSchema.optional(),
})

const GroupSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  municipalityCode: z.string().nullable(),
  /** members send "unirme <code>" to the bot */
  inviteCode: z.string(),
  members: z.number().int(),
  createdAt: z.string(),
})

const MemberSchema = z.object({ member: z.string().regex(/^M-[0-9A-Z]{6}$/), joinedAt: z.string() })
const MemberParamSchema = IdParamSchema.extend({ member: z.string().regex(/^[Mm]-[0-9A-Za-z]{6}$/, 'a member number such as M-7F3K2Q') })

const tag = 'polls'
export const pollGroupOperations: Operation[] = [
  { method: 'get', path: '/api/v1/poll-groups', summary: 'List the groups (mesas) with their member counts (a facilitator: its own)', tag, roles: ['admin', 'facilitator'], response: z.array(GroupSchema) },
  { method: 'post', path: '/api/v1/poll-groups', summary: 'Create a group; members join by sending its invite code to the bot', tag, roles: ['admin'], body: CreateGroupSchema, response: GroupSchema, status: 201 },
  { method: 'get', path: '/api/v1/poll-groups/{id}', summary: 'One group', tag, roles: ['admin', 'facilitator'], params: IdParamSchema, response: GroupSchema },
  {
    method: 'get',
    path: '/api/v1/poll-groups/{id}/members',
    summary: "A group's current members by member number (M-…, told to each member when they join) and joining day, never by contact",
    tag,
    roles: ['admin', 'facilitator'],
    params: IdParamSchema,
    response: z.array(MemberSchema),
  },
  {
    method: 'post',
    path: '/api/v1/poll-groups/{id}/members/{member}/remove',
    summary: 'Take a member out of the group by their member number (as if they had written "salir CODE"); audited',
    tag,
    roles: ['admin', 'facilitator'],
    params: MemberParamSchema,
    response: z.object({ removed: z.literal(true) }),
  },
  { method: 'post', path: '/api/v1/poll-groups/{id}/invite-code', summary: 'Give a group a new invite code (the old one stops working)', tag, roles: ['admin', 'facilitator'], params: IdParamSchema, response: GroupSchema },
]

/** A facilitator sees its own groups only; another mesa's group does not exist for it (404). */
function requireOwnGroup(c: Context<AppEnv>, id: string): void {
  const { groupIds } = pollScopeOf(c.var.actor)
  if (groupIds !== undefined && !groupIds.includes(id)) throw new NotFoundError('group', id)
}

/**
 * Poll audiences: a mesa's roster. Staff see member counts, never who the members are. Admins
 * create groups; a facilitator reads its own and can give them a new code.
 */
export const pollGroupRoutes = new Hono<AppEnv>()
  .use(requireRole('admin', 'facilitator'))
  .get('/', async (c) => {
    const { groupIds } = pollScopeOf(c.var.actor)
    return c.json((await listGroups(c.var.db)).filter((group) => groupIds === undefined || groupIds.includes(group.id)))
  })
  .post('/', validate('json', CreateGroupSchema), async (c) => {
    if (c.var.actor.role !== 'admin') throw new ForbiddenError('only an admin token creates groups')
    const input = c.req.valid('json')
    const group = await c.var.db.transaction(async (tx) => {
      const created = await createGroup(tx, input, c.var.now())
      await recordAudit(tx, { actor: c.var.actor, action: 'create', entity: 'poll_group', entityId: created.id, details: { name: created.name } })
      return created
    })
    return c.json(group, 201)
  })
  .get('/:id', validate('param', IdParamSchema), async (c) => {
    const { id } = c.req.valid('param')
    requireOwnGroup(c, id)
    return c.json(await getGroup(c.var.db, id))
  })
  .get('/:id/members', validate('param', IdParamSchema), async (c) => {
    const { id } = c.req.valid('param')
    requireOwnGroup(c, id)
    await getGroup(c.var.db, id)
    return c.json(await listMembers(c.var.db, id))
  })
  .post('/:id/members/:member/remove', validate('param', MemberParamSchema), async (c) => {
    const { id, member } = c.req.valid('param')
    requireOwnGroup(c, id)
    await c.var.db.transaction(async (tx) => {
      await removeMember(tx, id, member, c.var.now())
      await recordAudit(tx, { actor: c.var.actor, action: 'remove_member', entity: 'poll_group', entityId: id, details: { member: member.toUpperCase() } })
    })
    return c.json({ removed: true as const })
  })
  .post('/:id/invite-code', validate('param', IdParamSchema), async (c) => {
    const { id } = c.req.valid('param')
    requireOwnGroup(c, id)
    const group = await c.var.db.transaction(async (tx) => {
      const rotated = await rotateInviteCode(tx, id)
      await recordAudit(tx, { actor: c.var.actor, action: 'rotate_code', entity: 'poll_group', entityId: id })
      return rotated
    })
    return c.json(group)
  })
