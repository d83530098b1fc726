import { responsibleName } from './lookup-case.js'
import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import { z } from 'zod'
import { rowsOf, type Tx } from '../db/client.js'
import { IDENTITY_MODES, SECTORS, cases, categories, institutions, media, municipalities, units } from '../db/schema/index.js'
import { NoRouteError, ValidationError } from '../domain-errors.js'
import { guatemalaDate, guatemalaDateTime } from './guatemala-date.js'
import { loadActiveRules } from './load-rules.js'
import { type RoutingRule, routeCase } from './route-case.js'
import { newTrackingCode } from './tracking-code.js'
import { recordCaseEvent } from './case-events.js'
import { firstResponseHours, hoursLater } from './unit-sla.js'
import { newPseudonym } from '../privacy/pseudonym.js'
import { redactPiiAndNames } from '../privacy/redact-pii.js'
import { conflictTarget } from './conflict-of-interest.js'

/** A complaint as the conversation collected it; codes are INE department/municipality codes. */
export const CaseDraftSchema = z.object({
  sector: z.enum(SECTORS),
  category: z.string().min(1),
  department: z.string().regex(/^\d{2}$/),
  municipality: z.string().regex(/^\d{4}$/),
  facility: z.string().trim().max(500).default(''),
  /** the citizen's account; left empty when a voice note (`descriptionVoice`) is the account */
  description: z.string().trim().max(4000),
  /** the id of the stored voice note that stands in for the description: it joins the evidence and staff must listen */
  descriptionVoice: z.uuid().optional(),
  identity: z.enum(IDENTITY_MODES),
  /** ids of media rows the citizen sent (stored by the channel); they become the case's evidence */
  evidence: z.array(z.uuid()).max(10).optional(),
  /** the complaint concerns the head of the unit that would receive it: route it above that unit */
  conflictOfInterest: z.boolean().optional(),
  /** false in shared-phone mode: the citizen wants no messages about the case */
  followUps: z.boolean().optional(),
}).refine((draft) => draft.description !== '' || draft.descriptionVoice !== undefined, {
  message: 'a description, or a voice note in its place, is required',
  path: ['description'],
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
  /** code of the unit conflict-of-interest cases go to (OVERSIGHT_UNIT_CODE); their parent unit when unset */
  oversightUnitCode?: string
}

/** What the citizen is told once the case exists. */
export type CreatedCase = {
  code: string
  institution: string
  unit: string
  /** the resolution deadline's day and hour (`HH:MM`) in Guatemala: an urgent case is due within hours */
  dueDate: string
  dueTime: string
  urgent: boolean
}

/** A citizen's life is at risk: the case goes one step up at once, with at most a day to act. */
const LIFE_AT_RISK = 'life_at_risk'
const URGENT_MAX_HOURS = 24
const CODE_ATTEMPTS = 5
/** what staff read where the account is a recording: the file is in the evidence, and the case is marked */
export const VOICE_DESCRIPTION = '🎤 Relato en nota de voz: escúchela en la evidencia del caso.'

/** The account is the voice note alone (words typed beside it, were there any, would be kept instead). */
function voiceOnly(draft: CaseDraft): boolean {
  return draft.descriptionVoice !== undefined && draft.description === ''
}

async function checkDraft(tx: Tx, draft: CaseDraft): Promise<void> {
  // one statement: the municipality's department, and whether the category applies to the sector
  const [row] = (await rowsOf(tx, sql`select
      (select department_code from ${municipalities} where code = ${draft.municipality}) as department,
      exists (select 1 from ${categories} where code = ${draft.category} and sector in (${draft.sector}, 'any')) as category`)) as { department: string | null; category: boolean }[]
  if (!row || row.department === null) throw new ValidationError(`unknown municipality ${draft.municipality}`)
  if (row.department !== draft.department) {
    throw new ValidationError(`municipality ${draft.municipality} is not in department ${draft.department}`)
  }
  if (!row.category) throw new ValidationError(`unknown category ${draft.category} for sector ${draft.sector}`)
}

async function unitById(tx: Tx, id: string) {
  const [unit] = await tx
    .select({ id: units.id, name: units.name, parentId: units.parentId, institutionId: units.institutionId, institution: institutions.name })
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
  // the rules that match, with their units, are read beside the draft's checks (one round trip; a
  // refused draft wasted a read): the unit a rule matched then needs no read of its own
  const facts = { sector: draft.sector, category: draft.category, departmentCode: draft.department, municipalityCode: draft.municipality }
  const [, loaded] = await Promise.all([checkDraft(tx, draft), ctx.rules ? undefined : loadActiveRules(tx, ctx.now, facts)])
  const decision = routeCase(facts, ctx.rules ?? loaded ?? [])
  if (!decision) throw new NoRouteError(draft.sector)

  const matched = loaded?.find((rule) => rule.id === decision.rule.id)?.unit ?? (await unitById(tx, decision.rule.unitId))
  const conflict = draft.conflictOfInterest === true ? await conflictTarget(tx, matched, ctx.oversightUnitCode) : null
  const routedTo = conflict ? await unitById(tx, conflict.unitId) : matched
  const urgent = draft.category === LIFE_AT_RISK
  const escalateTo = urgent && routedTo.parentId !== null ? await unitById(tx, routedTo.parentId) : null
  const finalUnit = escalateTo ?? routedTo
  const hours = urgent ? Math.min(decision.rule.slaHours, URGENT_MAX_HOURS) : decision.rule.slaHours
  const dueAt = hoursLater(ctx.now, hours)

  const anonymous = draft.identity === 'anonymous'
  const values = {
    sector: draft.sector,
    category: draft.category,
    municipalityCode: draft.municipality,
    // an anonymous case keeps no personal data at all, not even in the citizen's own words
    facility: anonymous ? redactPiiAndNames(draft.facility) : draft.facility,
    description: voiceOnly(draft) ? VOICE_DESCRIPTION : anonymous ? redactPiiAndNames(draft.description) : draft.description,
    needsListening: draft.descriptionVoice !== undefined,
    identityMode: draft.identity,
    contactId: anonymous ? null : ctx.contactId,
    pseudonym: draft.identity === 'confidential' ? newPseudonym() : null,
    followUps: draft.followUps ?? true,
    channel: ctx.channel,
    status: escalateTo ? ('escalated' as const) : ('routed' as const),
    urgent,
    unitId: finalUnit.id,
    dueAt,
    responseDueAt: hoursLater(ctx.now, firstResponseHours(hours)),
    slaHours: hours,
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
  await recordCaseEvent(tx, [
    { ...event, actor: 'citizen', type: 'created', toStatus: 'received' },
    // why the case skipped the unit its rule named; private, since it says whom it concerns
    ...(conflict ? [{ ...event, public: false, actor: 'system', type: 'conflict_of_interest', unitId: routedTo.id, note: conflict.note(matched.name, routedTo.name) }] : []),
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
  ], {
    kind: 'created',
    caseId: created.id,
    urgent,
    routedUnitId: escalateTo ? routedTo.id : null,
    // the draft's department is the municipality's (checkDraft); nothing is acknowledged or closed yet
    statistics: {
      caseId: created.id,
      day: guatemalaDate(ctx.now),
      unitId: finalUnit.id,
      institutionId: finalUnit.institutionId,
      departmentCode: draft.department,
      municipalityCode: draft.municipality,
      sector: draft.sector,
      category: draft.category,
      status: values.status,
      dueAt,
      acknowledgedAt: null,
      closedAt: null,
      hoursToAcknowledge: null,
      hoursToClose: null,
    },
  })
  // the voice note that is the account goes with the case like any other file
  const files = [...(draft.descriptionVoice ? [draft.descriptionVoice] : []), ...(draft.evidence ?? [])]
  if (files.length > 0) {
    // only files not yet linked: a media id is never moved from one case to another
    await tx.update(media).set({ caseId: created.id }).where(and(inArray(media.id, files), isNull(media.caseId)))
  }

  return { code: created.code, institution: responsibleName(finalUnit.name, finalUnit.institution) ?? finalUnit.institution, unit: finalUnit.name, dueDate: guatemalaDate(dueAt), dueTime: guatemalaDateTime(dueAt).slice(11), urgent }
}
