import type { Json } from '../bot/engine/types.js'
import type { EffectHandler } from '../bot/runtime.js'
import type { Tx } from '../db/client.js'
import { type CaseRow, loadCase } from '../cases/case-ref.js'
import { canTransition } from '../cases/case-transitions.js'
import { transitionCase } from '../cases/transition-case.js'
import { recordFollowUpAnswer } from '../cases/follow-up-answer.js'
import { NotFoundError } from '../domain-errors.js'
import { redeemLinkCode } from '../staff/link-codes.js'
import { acknowledgeByStaff, summarizeForStaff } from '../staff/staff-commands.js'

function codeArg(args: Record<string, unknown>): string {
  return typeof args.code === 'string' ? args.code : ''
}

async function ownCase(tx: Tx, code: string, contactId: string): Promise<CaseRow | null> {
  try {
    const kase = await loadCase(tx, code, null, true)
    return kase.contactId === contactId ? kase : null
  } catch (error) {
    if (error instanceof NotFoundError) return null
    throw error
  }
}

/**
 * The effects of case follow-up and staff chat: a citizen's "no, it was not solved" reopens their
 * own case (only theirs), and staff link their chat, acknowledge and read their units' cases.
 */
export const caseEffectHandlers = {
  'case.reopen': async (tx, effect, context) => {
    const kase = await ownCase(tx, codeArg(effect.args), context.contactId)
    if (!kase || !canTransition(kase.status, 'reopened')) return { ok: false }
    await recordFollowUpAnswer(tx, { caseId: kase.id, answer: 'no', now: context.now })
    await transitionCase(tx, {
      code: kase.code,
      to: 'reopened',
      note: 'La persona respondió que su problema no se resolvió.',
      actor: 'citizen',
      scope: null,
      now: context.now,
    })
    return { ok: true }
  },
  // "yes, it was solved" is recorded too, so satisfaction can be counted both ways
  'case.solved': async (tx, effect, context) => {
    const kase = await ownCase(tx, codeArg(effect.args), context.contactId)
    if (kase) await recordFollowUpAnswer(tx, { caseId: kase.id, answer: 'yes', now: context.now })
    return { ok: kase !== null }
  },
  'staff.link': async (tx, effect, context): Promise<Json> => {
    const unitNames = await redeemLinkCode(tx, { code: codeArg(effect.args), contactId: context.contactId, now: context.now })
    return unitNames === null ? { ok: false } : { ok: true, units: unitNames.join(', ') }
  },
  'staff.ack': (tx, effect, context) => acknowledgeByStaff(tx, codeArg(effect.args), context),
  'staff.case': (tx, effect, context) => summarizeForStaff(tx, codeArg(effect.args), context),
} satisfies Record<'case.reopen' | 'case.solved' | 'staff.link' | 'staff.ack' | 'staff.case', EffectHandler>
