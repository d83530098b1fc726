import { eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { type FollowUpAnswer, cases } from '../db/schema/index.js'
import { recordCaseEvent } from './case-events.js'

const NOTES = {
  yes: 'La persona respondió que su problema se resolvió.',
  no: 'La persona respondió que su problema no se resolvió.',
  none: 'La persona no respondió si su problema se resolvió.',
} satisfies Record<FollowUpAnswer, string>

/**
 * Records the citizen's answer to "was it solved?" on the case and as an event, once per
 * question: a later answer for the same question changes nothing. Returns whether it was recorded.
 */
export async function recordFollowUpAnswer(tx: DbOrTx, input: { caseId: string; answer: FollowUpAnswer; now: Date }): Promise<boolean> {
  const [kase] = await tx.select({ id: cases.id, unitId: cases.unitId, answer: cases.followUpAnswer }).from(cases).where(eq(cases.id, input.caseId))
  if (!kase || kase.answer !== null) return false
  await tx.update(cases).set({ followUpAnswer: input.answer }).where(eq(cases.id, kase.id))
  const event = { caseId: kase.id, at: input.now, actor: input.answer === 'none' ? 'system' : 'citizen', type: 'follow_up', unitId: kase.unitId, note: NOTES[input.answer], public: false }
  await recordCaseEvent(tx, [event], { kind: 'follow_up', caseId: kase.id, answer: input.answer })
  return true
}
