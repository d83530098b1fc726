import { and, eq, isNull } from 'drizzle-orm'
import type { Tx } from '../db/client.js'
import { apiTokens, cases, staffSubscriptions } from '../db/schema/index.js'
import { ValidationError } from '../domain-errors.js'
import { type UnitScope, loadCase } from './case-ref.js'
import { recordCaseEvent } from './case-events.js'

export type AssignInput = {
  code: string
  /** `staff:<contactId>` of a chat linked to the case's unit, `token:<name>` of a token of that unit, or null to unassign */
  assignee: string | null
  actor: string
  scope: UnitScope
  now: Date
}

/** Whether `assignee` names a person of the unit: a linked staff chat, or a live token holding the unit. */
async function belongsToUnit(tx: Tx, assignee: string, unitId: string): Promise<boolean> {
  const [kind, ...rest] = assignee.split(':')
  const id = rest.join(':')
  if (kind === 'staff') {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return false
    const [link] = await tx
      .select({ unitId: staffSubscriptions.unitId })
      .from(staffSubscriptions)
      .where(and(eq(staffSubscriptions.contactId, id), eq(staffSubscriptions.unitId, unitId)))
    return link !== undefined
  }
  if (kind === 'token') {
    const tokens = await tx.select({ unitIds: apiTokens.unitIds }).from(apiTokens).where(and(eq(apiTokens.name, id), eq(apiTokens.role, 'institution'), isNull(apiTokens.revokedAt)))
    return tokens.some((token) => token.unitIds.includes(unitId))
  }
  return false
}

/**
 * Names the person of the case's unit who works it (shown in the case, in lists and in staff
 * alerts), or clears it. The person must belong to the unit that holds the case now.
 */
export async function assignCase(tx: Tx, input: AssignInput): Promise<{ code: string; assignee: string | null }> {
  const kase = await loadCase(tx, input.code, input.scope, true)
  if (input.assignee !== null && (kase.unitId === null || !(await belongsToUnit(tx, input.assignee, kase.unitId)))) {
    throw new ValidationError(`${input.assignee} is not a linked staff chat or an institution token of the unit that holds the case`)
  }
  if (kase.assignee === input.assignee) return { code: kase.code, assignee: kase.assignee }
  await tx.update(cases).set({ assignee: input.assignee, updatedAt: input.now }).where(eq(cases.id, kase.id))
  const event = {
    caseId: kase.id,
    at: input.now,
    actor: input.actor,
    type: 'assigned',
    unitId: kase.unitId,
    note: input.assignee === null ? 'Sin persona asignada.' : `Asignado a ${input.assignee}.`,
    public: false,
  }
  await recordCaseEvent(tx, [event], { kind: 'assigned', caseId: kase.id, assignee: input.assignee })
  return { code: kase.code, assignee: input.assignee }
}
