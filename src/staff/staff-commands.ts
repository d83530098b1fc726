import type { Json } from '../bot/engine/types.js'
import type { Tx } from '../db/client.js'
import { type CaseRow, loadCase } from '../cases/case-ref.js'
import { canTransition } from '../cases/case-transitions.js'
import { transitionCase } from '../cases/transition-case.js'
import { NotFoundError } from '../domain-errors.js'
import { redactPiiAndNames } from '../privacy/redact-pii.js'
import { staffCaseFacts } from './case-facts.js'
import { auditStaffAction } from './staff-audit.js'
import { staffTranslate } from './staff-text.js'
import { subscribedUnitIds } from './subscriptions.js'

type StaffContext = { contactId: string; locale: string; now: Date }

/** The case a staff member named, if it is one of their units'; 'notStaff' for a citizen's chat. */
async function staffCase(tx: Tx, code: string, ctx: StaffContext, lock: boolean): Promise<CaseRow | 'notStaff' | 'notYours'> {
  const unitIds = await subscribedUnitIds(tx, ctx.contactId)
  if (unitIds.length === 0) return 'notStaff'
  try {
    return await loadCase(tx, code, unitIds, lock)
  } catch (error) {
    if (error instanceof NotFoundError) return 'notYours'
    throw error
  }
}

/** `acuso CODE`: acknowledges a case of one of the staff member's units, as `staff:<contactId>`. */
export async function acknowledgeByStaff(tx: Tx, code: string, ctx: StaffContext): Promise<Record<string, Json>> {
  const kase = await staffCase(tx, code, ctx, true)
  if (typeof kase === 'string') return { outcome: kase, code }
  if (!canTransition(kase.status, 'acknowledged')) {
    return { outcome: 'cannot', code: kase.code, status: staffTranslate(ctx.locale, `caseStatus.${kase.status}`) }
  }
  await transitionCase(tx, { code: kase.code, to: 'acknowledged', actor: `staff:${ctx.contactId}`, scope: null, now: ctx.now })
  await auditStaffAction(tx, { contactId: ctx.contactId, action: 'transition', entity: 'case', entityId: kase.code, details: { from: kase.status, to: 'acknowledged' }, at: ctx.now })
  return { outcome: 'ok', code: kase.code }
}

/** `caso CODE`: a summary of a case of one of the staff member's units. */
export async function summarizeForStaff(tx: Tx, code: string, ctx: StaffContext): Promise<Record<string, Json>> {
  const kase = await staffCase(tx, code, ctx, false)
  if (typeof kase === 'string') return { outcome: kase, code }
  const facts = await staffCaseFacts(tx, kase.id)
  if (!facts) return { outcome: 'notYours', code }
  await auditStaffAction(tx, { contactId: ctx.contactId, action: 'read', entity: 'case', entityId: facts.code, at: ctx.now })
  return {
    outcome: 'ok',
    code: facts.code,
    status: staffTranslate(ctx.locale, `caseStatus.${facts.status}`),
    category: facts.category(ctx.locale),
    municipality: facts.municipality,
    // typed by the citizen: may hold a phone number or a name's DPI
    facility: redactPiiAndNames(facts.facility),
    unit: facts.unit,
    dueDate: facts.dueDate,
    dueTime: facts.dueTime,
  }
}
