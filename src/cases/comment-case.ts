import { eq } from 'drizzle-orm'
import type { Tx } from '../db/client.js'
import { cases } from '../db/schema/index.js'
import { type UnitScope, loadCase } from './case-ref.js'
import { recordCaseEvent } from './case-events.js'

export type CommentInput = { code: string; note: string; public: boolean; actor: string; scope: UnitScope; now: Date }

/**
 * Adds a note to a case's history; a public note is also sent to the citizen. Whether it was sent
 * is not answered: that would tell staff the citizen's follow-up choice.
 */
export async function commentCase(tx: Tx, input: CommentInput): Promise<{ code: string }> {
  const kase = await loadCase(tx, input.code, input.scope, true)
  await tx.update(cases).set({ updatedAt: input.now }).where(eq(cases.id, kase.id))
  const event = {
    caseId: kase.id,
    at: input.now,
    actor: input.actor,
    type: 'comment',
    unitId: kase.unitId,
    note: input.note,
    public: input.public,
  }
  await recordCaseEvent(tx, [event], { kind: 'comment', caseId: kase.id, public: input.public, note: input.note })
  return { code: kase.code }
}
