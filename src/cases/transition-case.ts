import { eq } from 'drizzle-orm'
import type { Tx } from '../db/client.js'
import { type CaseStatus, cases } from '../db/schema/index.js'
import { InvalidTransitionError, ValidationError } from '../domain-errors.js'
import { type UnitScope, loadCase } from './case-ref.js'
import { type RequestableStatus, TRANSITIONS, canTransition } from './case-transitions.js'
import { recordCaseEvent } from './case-events.js'
import { FALLBACK_SLA_HOURS, freshClocks } from './unit-sla.js'

export type TransitionInput = {
  code: string
  to: RequestableStatus
  /** required when rejecting: the reason the citizen is given */
  note?: string | null
  /** whether the citizen is told and may read the note; true unless said otherwise */
  public?: boolean
  /** 'citizen', `token:<name>`, `staff:<contactId>` */
  actor: string
  scope: UnitScope
  now: Date
}

/**
 * No `notified`: whether a message went out tells staff whether a confidential citizen chose
 * follow-ups (or that a case is anonymous), which is the citizen's business.
 */
export type TransitionResult = { code: string; from: CaseStatus; to: CaseStatus }

/**
 * Moves a case to a new status if the lifecycle allows it, with an append-only event, and tells
 * the citizen when the change is public. Staff's first move stops the first-response clock; a
 * reopened case gets both clocks afresh; a resolved one starts the clock of "was it solved?".
 */
export async function transitionCase(tx: Tx, input: TransitionInput): Promise<TransitionResult> {
  const kase = await loadCase(tx, input.code, input.scope, true)
  const from = kase.status
  if (!canTransition(from, input.to)) throw new InvalidTransitionError(from, input.to, TRANSITIONS[from])
  const note = input.note?.trim() || null
  if (input.to === 'rejected' && note === null) throw new ValidationError('rejecting a case needs a reason: send it as the note')
  const isPublic = input.public ?? true

  const reopened = input.to === 'reopened'
  // Any move of staff's stops the first-response clock; the citizen's own reopening does not.
  const responds = !reopened && input.actor !== 'citizen' && kase.respondedAt === null
  const [updated] = await tx
    .update(cases)
    .set({
      status: input.to,
      updatedAt: input.now,
      ...(input.to === 'resolved' ? { resolvedAt: input.now, followUpAskedAt: null, followUpAnswer: null } : {}),
      ...(responds ? { respondedAt: input.now } : {}),
      ...(reopened ? { resolvedAt: null, ...freshClocks(input.now, kase.slaHours ?? FALLBACK_SLA_HOURS) } : {}),
    })
    .where(eq(cases.id, kase.id))
    .returning()
  if (!updated) throw new Error(`case ${kase.code} vanished while locked`)
  const event = {
    caseId: kase.id,
    at: input.now,
    actor: input.actor,
    type: input.to,
    fromStatus: from,
    toStatus: input.to,
    unitId: kase.unitId,
    note,
    public: isPublic,
  }
  await recordCaseEvent(tx, [event], { kind: 'status', caseId: kase.id, from, to: input.to, actor: input.actor, public: isPublic, note })
  return { code: kase.code, from, to: input.to }
}
