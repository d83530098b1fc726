import { Hono } from 'hono'
import { z } from 'zod'
import type { RoutingRule } from '../cases/route-case.js'
import { RULE_SOURCES, SECTORS } from '../db/schema/index.js'
import { dryRunRouting } from '../directory/dry-run.js'
import { createRule, deleteRule, getRule, listRules, updateRule } from '../directory/rules.js'
import { validate } from '../http/validate.js'
import type { AppEnv } from './app-env.js'
import { recordAudit } from './audit.js'
import { requireRole } from './auth.js'
import { DepartmentCodeSchema, IdParamSchema, MunicipalityCodeSchema, RuleSchema } from './directory-schemas.js'
import type { Operation } from './openapi/operation.js'

const CategorySchema = z.string().regex(/^[a-z0-9_]{1,60}$/, 'a category code such as medicines')
const RuleFieldsSchema = z.object({
  sector: z.enum(SECTORS),
  category: CategorySchema.nullable().optional(),
  departmentCode: DepartmentCodeSchema.nullable().optional(),
  municipalityCode: MunicipalityCodeSchema.nullable().optional(),
  unitId: z.uuid(),
  slaHours: z.number().int().min(1).max(24 * 365),
  priority: z.number().int().min(-1000).max(1000),
  note: z.string().trim().min(1).max(500).nullable().optional(),
})
export const RuleInputSchema = RuleFieldsSchema.extend({ priority: RuleFieldsSchema.shape.priority.default(0) })
// Built from the fields without defaults: a left-out priority must keep its value, not reset to 0.
export const RulePatchSchema = RuleFieldsSchema.partial().refine((patch) => Object.keys(patch).length > 0, 'change at least one field')
export const ListRulesQuerySchema = z.object({ sector: z.enum(SECTORS).optional(), unitId: z.uuid().optional(), source: z.enum(RULE_SOURCES).optional() })
export const DryRunSchema = z.object({ sector: z.enum(SECTORS), category: CategorySchema, municipalityCode: MunicipalityCodeSchema })

const Named = z.object({ id: z.uuid(), code: z.string(), name: z.string() })
const RoutingRuleSchema = RuleSchema.omit({ source: true, createdAt: true })
const DryRunResultSchema = z.object({
  unit: Named.nullable(),
  institution: Named.nullable(),
  rule: RoutingRuleSchema.nullable(),
  slaHours: z.number().int().nullable(),
  dueAt: z.iso.datetime({ offset: true }).nullable(),
  reason: z.string(),
  candidates: z.array(z.object({ rule: RoutingRuleSchema, unit: Named, specificity: z.number().int(), lostBecause: z.string().nullable() })),
})

export const ruleOperations: Operation[] = [
  { method: 'get', path: '/api/v1/rules', summary: 'List routing rules', tag: 'routing', roles: ['admin'], query: ListRulesQuerySchema, response: z.object({ items: z.array(RuleSchema) }) },
  { method: 'get', path: '/api/v1/rules/{id}', summary: 'One routing rule', tag: 'routing', roles: ['admin'], params: IdParamSchema, response: RuleSchema },
  { method: 'post', path: '/api/v1/rules', summary: 'Create a routing rule (kept across seed reloads)', tag: 'routing', roles: ['admin'], body: RuleInputSchema, response: RuleSchema, status: 201 },
  { method: 'patch', path: '/api/v1/rules/{id}', summary: 'Change a routing rule made through the API (seed rules: 409, edit the seed file)', tag: 'routing', roles: ['admin'], params: IdParamSchema, body: RulePatchSchema, response: RuleSchema },
  { method: 'delete', path: '/api/v1/rules/{id}', summary: 'Delete a routing rule made through the API (seed rules: 409, edit the seed file)', tag: 'routing', roles: ['admin'], params: IdParamSchema, status: 204 },
  { method: 'post', path: '/api/v1/rules/dry-run', summary: 'Where a hypothetical case would go now, and why', tag: 'routing', roles: ['admin'], body: DryRunSchema, response: DryRunResultSchema },
]

/** Routing rules as data, for admins, with a dry run that explains the precedence. */
export const ruleRoutes = new Hono<AppEnv>()
  .use(requireRole('admin'))
  .get('/', validate('query', ListRulesQuerySchema), async (c) => c.json({ items: await listRules(c.var.db, c.req.valid('query')) }))
  .post('/dry-run', validate('json', DryRunSchema), async (c) => c.json(await dryRunRouting(c.var.db, c.req.valid('json'), c.var.now())))
  .get('/:id', validate('param', IdParamSchema), async (c) => c.json(await getRule(c.var.db, c.req.valid('param').id)))
  .post('/', validate('json', RuleInputSchema), async (c) => {
    const input = c.req.valid('json')
    const created = await c.var.db.transaction(async (tx) => {
      const rule = await createRule(tx, input, c.var.now())
      await recordAudit(tx, { actor: c.var.actor, action: 'create', entity: 'rule', entityId: rule.id, details: ruleDetails(rule) })
      return rule
    })
    return c.json(created, 201)
  })
  .patch('/:id', validate('param', IdParamSchema), validate('json', RulePatchSchema), async (c) => {
    const { id } = c.req.valid('param')
    const patch = c.req.valid('json')
    const updated = await c.var.db.transaction(async (tx) => {
      const rule = await updateRule(tx, id, patch, c.var.now())
      await recordAudit(tx, { actor: c.var.actor, action: 'update', entity: 'rule', entityId: id, details: ruleDetails(rule) })
      return rule
    })
    return c.json(updated)
  })
  .delete('/:id', validate('param', IdParamSchema), async (c) => {
    const { id } = c.req.valid('param')
    await c.var.db.transaction(async (tx) => {
      const rule = await deleteRule(tx, id)
      await recordAudit(tx, { actor: c.var.actor, action: 'delete', entity: 'rule', entityId: id, details: ruleDetails(rule) })
    })
    return c.body(null, 204)
  })

/** A rule as the audit log keeps it: every field, so a deleted rule can be recreated. */
function ruleDetails(rule: RoutingRule) {
  const { sector, category, departmentCode, municipalityCode, unitId, slaHours, priority, note } = rule
  return { sector, category, departmentCode, municipalityCode, unitId, slaHours, priority, note }
}
