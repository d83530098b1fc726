import { responsibleName } from './lookup-case.js'
import { and, eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import type { Tx } from '../db/client.js'
import { IDENTITY_MODES, SECTORS, caseEvents, cases, categories, institutions, municipalities, units } from '../db/schema/index.js'
import { NoRouteError, ValidationError } from '../domain-errors.js'
import { guatemalaDate } from './guatemala-date.js'
import { loadActiveRules } from './load-rules.js'
import { type RoutingRule, routeCase } from './route-case.js'
import { newTrackingCode } from './tracking-code.js'

/** A complaint as the conversation collected it; codes are INE department/municipality codes. */
export const CaseDraftSchema = z.object({
  sector: z.enum(SECTORS),
  category: z.string().min(1),
  department: z.string().regex(/^\d{2}$/),
  municipality: z.string().regex(/^\d{4}$/),
  facility: z.string().trim().max(500).default(''),
  description: z.string().trim().min(1).max(4000),
  identity: z.enum(IDENTITY_MODES),
})
export type CaseDraft = z.infer<typeof CaseDraftSchema>

export type CreateCaseContext = {
  now: Date
  contactId: string | null
  channel: string | null
  locale: string
  /** the rules in force; loaded from the database when left out */
  rules?: readonly RoutingRule[]
  /** tracking code generator, injectable so a test can force a collision */
  newCode?: () => string
}

/** What the citizen is told once the case exists. */
export type CreatedCase = { code: string; institution: string; unit: string; dueDate: string; urgent: boolean }

/** A citizen's life is at risk: the case goes one step up at once, with at most a day to act. */
const LIFE_AT_RISK = 'life_at_risk'
const URGENT_MAX_HOURS = 24
const CODE_ATTEMPTS = 5

async function checkDraft(tx: Tx, draft: CaseDraft): Promise<void> {
  const [municipality] = await tx.select().from(municipalities).where(eq(municipalities.code, draft.municipality))
  if (!municipality) throw new ValidationError(`unknown municipality ${draft.municipality}`)
  if (municipality.departmentCode !== draft.department) {
    throw new ValidationError(`municipality ${draft.municipality} is not in department ${draft.department}`)
  }
  const [category] = await tx
    .select({ code: categories.code })
    .from(categories)
    .where(and(eq(categories.code, draft.category), inArray(categories.sector, [draft.sector, 'any'])))
  if (!category) throw new ValidationError(`unknown category ${draft.category} for sector ${draft.sector}`)
}

async function unitById(tx: Tx, id: string) {
  const [unit] = await tx
    .select({ id: units.id, name: units.name, parentId: units.parentId, institution: institutions.name })
    .from(units)
    .innerJoin(institutions, eq(institutions.id, units.institutionId))
    .where(eq(units.id, id))
  if (!unit) throw new Error(`routing rule points at missing unit ${id}`)
  return unit
}

/**
 * Stores a complaint, routes it to a unit and writes its first events, inside the caller's
 * transaction. Anonymous cases keep no contact id. A `life_at_risk` case is urgent, due within a
 * day, and escalated at once to the parent of the unit it was routed to.
 */
export async function createCase(tx: Tx, draft: CaseDraft, ctx: CreateCaseContext): Promise<CreatedCase> {
  await checkDraft(tx, draft)
  const rules = ctx.rules ?? (await loadActiveRules(tx, ctx.now))
  const decision = routeCase(
    { sector: draft.sector, category: draft.category, departmentCode: draft.department, municipalityCode: draft.municipality },
    rules,
  )
  if (!decision) throw new NoRouteError(draft.sector)

  const routedTo = await unitById(tx, decision.rule.unitId)
  const urgent = draft.category === LIFE_AT_RISK
  const escalateTo = urgent && routedTo.parentId !== null ? await unitById(tx, routedTo.parentId) : null
  const finalUnit = escalateTo ?? routedTo
  const hours = urgent ? Math.min(decision.rule.slaHours, URGENT_MAX_HOURS) : decision.rule.slaHours
  const dueAt = new Date(ctx.now.getTime() + hours * 3_600_000)

  const values = {
    sector: draft.sector,
    category: draft.category,
    municipalityCode: draft.municipality,
    facility: draft.facility,
    description: draft.description,
    identityMode: draft.identity,
    contactId: draft.identity === 'anonymous' ? null : ctx.contactId,
    channel: ctx.channel,
    status: escalateTo ? ('escalated' as const) : ('routed' as const),
    urgent,
    unitId: finalUnit.id,
    dueAt,
    locale: ctx.locale,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  }
  // A fresh code collides about once in 10^11 cases; skipping the row on conflict (instead of
  // catching the error) keeps the transaction usable for the next attempt.
  const newCode = ctx.newCode ?? (() => newTrackingCode())
  let created: { id: string; code: string } | undefined
  for (let attempt = 0; !created && attempt < CODE_ATTEMPTS; attempt++) {
    ;[created] = await tx
      .insert(cases)
      .values({ ...values, code: newCode() })
      .onConflictDoNothing({ target: cases.code })
      .returning({ id: cases.id, code: cases.code })
  }
  if (!created) throw new Error(`no free tracking code after ${CODE_ATTEMPTS} attempts`)

  const event = { caseId: created.id, at: ctx.now, public: true }
  await tx.insert(caseEvents).values([
    { ...event, actor: 'citizen', type: 'created', toStatus: 'received' },
    { ...event, actor: 'system', type: 'routed', fromStatus: 'received', toStatus: 'routed', unitId: routedTo.id, note: decision.reason },
    ...(escalateTo
      ? [
          {
            ...event,
            actor: 'system',
            type: 'escalated',
            fromStatus: 'routed' as const,
            toStatus: 'escalated' as const,
            unitId: escalateTo.id,
            note: `Riesgo para la vida: se escala de inmediato de ${routedTo.name} a ${escalateTo.name} (${escalateTo.institution}).`,
          },
        ]
      : []),
  ])

  return { code: created.code, institution: responsibleName(finalUnit.name, finalUnit.institution) ?? finalUnit.institution, unit: finalUnit.name, dueDate: guatemalaDate(dueAt), urgent }
}
