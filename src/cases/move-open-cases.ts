import { and, eq, inArray } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { cases, units } from '../db/schema/index.js'
import { NotFoundError, ValidationError } from '../domain-errors.js'
import { recordCaseEvent } from './case-events.js'
import { OPEN_STATUSES } from './case-transitions.js'

export type MoveOpenCasesInput = {
  fromUnitId: string
  toUnitId: string
  /** written on each case event: `token:<name>`, 'system' */
  actor: string
  note?: string | null
  now: Date
}

async function findUnit(tx: DbOrTx, id: string) {
  const [unit] = await tx.select({ id: units.id, validTo: units.validTo }).from(units).where(eq(units.id, id))
  if (!unit) throw new NotFoundError('unit', id)
  return unit
}

/**
 * Moves every open case of one unit to another, in bulk, with a 'reassigned' event per case so each
 * case's history says who held it when. Deadlines and statuses are kept: the citizen's wait does not
 * restart because an office changed. Returns how many cases moved.
 */
export async function moveOpenCases(tx: DbOrTx, input: MoveOpenCasesInput): Promise<number> {
  if (input.fromUnitId === input.toUnitId) throw new ValidationError('a unit cannot hand its cases to itself')
  await findUnit(tx, input.fromUnitId)
  const target = await findUnit(tx, input.toUnitId)
  if (target.validTo !== null && target.validTo <= input.now) throw new ValidationError(`unit ${input.toUnitId} is closed and cannot receive cases`)

  const moved = await tx
    .update(cases)
    // the person who worked it belongs to the old unit
    .set({ unitId: input.toUnitId, assignee: null, updatedAt: input.now })
    .where(and(eq(cases.unitId, input.fromUnitId), inArray(cases.status, [...OPEN_STATUSES])))
    .returning({ id: cases.id })
  if (moved.length === 0) return 0
  await recordCaseEvent(
    tx,
    moved.map((c) => ({
      caseId: c.id,
      at: input.now,
      actor: input.actor,
      type: 'reassigned',
      unitId: input.toUnitId,
      note: input.note ?? null,
      public: false,
    })),
    { kind: 'moved', caseIds: moved.map((c) => c.id), fromUnitId: input.fromUnitId, toUnitId: input.toUnitId },
  )
  return moved.length
}
