import type { DbOrTx } from '../db/client.js'
import { enqueue, isChannelKind } from '../bot/outbox.js'
import { type StaffCaseFacts, staffCaseFacts } from './case-facts.js'
import { staffTranslate } from './staff-text.js'
import { unitSubscribers } from './subscriptions.js'

/**
 * Why staff are alerted, one text each (`staffAlert.<kind>`): a case new to their unit, urgent
 * above their office, escalated to them or away from them (and which clock was missed),
 * reassigned to them, reopened, overdue at the top, due within a day, assigned to someone.
 */
export const STAFF_ALERT_KINDS = [
  'new',
  'urgent',
  'escalatedFirstResponse',
  'escalatedResolution',
  'escalatedAwayFirstResponse',
  'escalatedAwayResolution',
  'reassigned',
  'reopened',
  'overdueFirstResponse',
  'overdueResolution',
  'dueSoon',
  'assigned',
] as const
export type StaffAlertKind = (typeof STAFF_ALERT_KINDS)[number]

/** The variables every alert text may use; none of who complained or what they wrote. */
export function alertVars(facts: StaffCaseFacts, locale: string) {
  return {
    code: facts.code,
    category: facts.category(locale),
    municipality: facts.municipality,
    unit: facts.unit,
    dueDate: facts.dueDate,
    dueTime: facts.dueTime,
    assignee: facts.assignee,
    // " Lo trabaja: Ana López." when someone of the unit has the case, else nothing
    assigned: facts.assignee === '' ? '' : staffTranslate(locale, 'staffAlert.assigneeNote', { assignee: facts.assignee }),
  }
}

/**
 * Queues an alert about a case to every chat subscribed to a unit: the one the case is assigned to
 * now unless `unitId` names another (the office that lost it, the local office of an urgent case).
 * The text names the case by code, category, municipality and deadline only (see StaffCaseFacts).
 * Returns how many chats were alerted.
 */
export async function alertStaff(tx: DbOrTx, caseId: string, kind: StaffAlertKind, unitId?: string | null): Promise<number> {
  const facts = await staffCaseFacts(tx, caseId)
  const to = unitId === undefined ? facts?.unitId : unitId
  if (!facts || !to) return 0
  const chats = await unitSubscribers(tx, to)
  if (chats.length === 0) return 0
  const alerts = chats.flatMap(({ channel, ...chat }) =>
    isChannelKind(channel)
      ? [{ ...chat, channel, caseId, kind: 'alert' as const, reply: { text: staffTranslate(chat.locale, `staffAlert.${kind}`, alertVars(facts, chat.locale)) } }]
      : [],
  )
  await enqueue(tx, alerts)
  return alerts.length
}
