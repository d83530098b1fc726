import { eq } from 'drizzle-orm'
import type { Tx } from '../db/client.js'
import { cases, units } from '../db/schema/index.js'
import { InvalidTransitionError, NotFoundError, ValidationError } from '../domain-errors.js'
import { type UnitScope, loadCase } from './case-ref.js'
import { OPEN_STATUSES } from './case-transitions.js'
import { recordCaseEvent } from './case-events.js'
import { assertWithinInstitution } from './institution-scope.js'
import { FALLBACK_SLA_HOURS, freshClocks, unitSlaHours } from './unit-sla.js'

export type ReassignInput = {
  code: string
  unitId: string
  note: string
  /** whether the citizen is told of the move (the note stays internal unless public) */
  public?: boolean
  actor: string
  scope: UnitScope
  now: Date
}

/**
 * Hands an open case to another unit: it is routed again, with the new unit's deadline, and the
 * new unit's staff are alerted. An institution may pass a misrouted case to another open unit
 * of its own institution only.
 */
export async function reassignCase(tx: Tx, input: ReassignInput) {
  const kase = await loadCase(tx, input.code, input.scope, true)
  const open: readonly string[] = OPEN_STATUSES
  if (!open.includes(kase.status)) throw new InvalidTransitionError(kase.status, 'routed', ['reopened'])
  const [unit] = await tx.select().from(units).where(eq(units.id, input.unitId))
  if (!unit) throw new NotFoundError('unit', input.unitId)
  if (unit.validTo !== null && unit.validTo <= input.now) throw new ValidationError(`unit ${unit.code} is closed and cannot receive cases`)
  if (unit.id === kase.unitId) throw new ValidationError(`the case is already with ${unit.code}`)
  await assertWithinInstitution(tx, input.scope, unit.id)

  const hours = (await unitSlaHours(tx, unit.id, kase.sector)) ?? kase.slaHours ?? FALLBACK_SLA_HOURS
  const [updated] = await tx
    .update(cases)
    .set({ unitId: unit.id, status: 'routed', ...freshClocks(input.now, hours), assignee: null, updatedAt: input.now })
    .where(eq(cases.id, kase.id))
    .returning()
  if (!updated) throw new Error(`case ${kase.code} vanished while locked`)
  const isPublic = input.public ?? false
  const event = {
    caseId: kase.id,
    at: input.now,
    actor: input.actor,
    type: 'reassigned',
    fromStatus: kase.status,
    toStatus: 'routed' as const,
    unitId: unit.id,
    note: input.note,
    public: isPublic,
  }
  // Whether the citizen was told is not answered: it would reveal their follow-up choice.
  await recordCaseEvent(tx, [event], { kind: 'reassigned', caseId: kase.id, fromUnitId: kase.unitId, public: isPublic })
  return { code: kase.code, unit: { id: unit.id, code: unit.code, name: unit.name }, dueAt: updated.dueAt }
}
