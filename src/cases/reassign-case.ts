import { eq } from 'drizzle-orm'
import type { Tx } from '../db/client.js'
import { caseEvents, cases, units } from '../db/schema/index.js'
import { InvalidTransitionError, NotFoundError, ValidationError } from '../domain-errors.js'
import { alertStaff } from '../staff/alert-staff.js'
import { type UnitScope, loadCase } from './case-ref.js'
import { OPEN_STATUSES } from './case-transitions.js'
import { notifyCitizen } from './notify-citizen.js'
import { FALLBACK_SLA_HOURS, hoursLater, unitSlaHours } from './unit-sla.js'
import { syncCaseStats } from '../stats/sync-case-stats.js'

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
 * new unit's staff are alerted. An institution may pass a misrouted case to any open unit.
 */
export async function reassignCase(tx: Tx, input: ReassignInput) {
  const kase = await loadCase(tx, input.code, input.scope, true)
  const open: readonly string[] = OPEN_STATUSES
  if (!open.includes(kase.status)) throw new InvalidTransitionError(kase.status, 'routed', ['reopened'])
  const [unit] = await tx.select().from(units).where(eq(units.id, input.unitId))
  if (!unit) throw new NotFoundError('unit', input.unitId)
  if (unit.validTo !== null && unit.validTo <= input.now) throw new ValidationError(`unit ${unit.code} is closed and cannot receive cases`)
  if (unit.id === kase.unitId) throw new ValidationError(`the case is already with ${unit.code}`)

  const hours = (await unitSlaHours(tx, unit.id, kase.sector)) ?? kase.slaHours ?? FALLBACK_SLA_HOURS
  const [updated] = await tx
    .update(cases)
    .set({ unitId: unit.id, status: 'routed', dueAt: hoursLater(input.now, hours), escalationEndedAt: null, updatedAt: input.now })
    .where(eq(cases.id, kase.id))
    .returning()
  if (!updated) throw new Error(`case ${kase.code} vanished while locked`)
  const isPublic = input.public ?? false
  await tx.insert(caseEvents).values({
    caseId: kase.id,
    at: input.now,
    actor: input.actor,
    type: 'reassigned',
    fromStatus: kase.status,
    toStatus: 'routed',
    unitId: unit.id,
    note: input.note,
    public: isPublic,
  })
  await syncCaseStats(tx, kase.id)
  await alertStaff(tx, kase.id, 'new')
  // Whether the citizen was told is not answered: it would reveal their follow-up choice.
  if (isPublic) await notifyCitizen(tx, updated, 'reassigned')
  return { code: kase.code, unit: { id: unit.id, code: unit.code, name: unit.name }, dueAt: updated.dueAt }
}
