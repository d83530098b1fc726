import type { DbOrTx } from '../db/client.js'
import { enqueue, isChannelKind } from '../bot/outbox.js'
import { type StaffCaseFacts, staffCaseFacts } from './case-facts.js'
import { staffTranslate } from './staff-text.js'
import { type StaffChat, caseUnitSubscribers, unitSubscribers } from './subscriptions.js'

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
  const read = await factsAndChats(tx, caseId, unitId)
  if (!read || read.chats.length === 0) return 0
  const { facts, chats } = read
  const alerts = chats.flatMap(({ channel, ...chat }) =>
    isChannelKind(channel)
      ? [{ ...chat, channel, caseId, kind: 'alert' as const, reply: { text: staffTranslate(chat.locale, `staffAlert.${kind}`, alertVars(facts, chat.locale)) } }]
      : [],
  )
  await enqueue(tx, alerts)
  return alerts.length
}

/**
 * The case's facts and the chats to alert, read in one round trip: both statements are sent at
 * once (postgres.js pipelines them on the transaction's connection, PGlite queues them), because
 * alerts run inside the transaction that files a complaint and each wait there delays its answer.
 * Undefined when the case does not exist or there is no unit to alert.
 */
async function factsAndChats(tx: DbOrTx, caseId: string, unitId: string | null | undefined): Promise<{ facts: StaffCaseFacts; chats: StaffChat[] } | undefined> {
  if (unitId === null) return undefined
  if (unitId !== undefined) {
    const [facts, chats] = await Promise.all([staffCaseFacts(tx, caseId), unitSubscribers(tx, unitId)])
    return facts ? { facts, chats } : undefined
  }
  const [facts, current] = await Promise.all([staffCaseFacts(tx, caseId), caseUnitSubscribers(tx, caseId)])
  if (!facts?.unitId || !current) return undefined
  // Each statement has its own snapshot: should a reassignment commit between the two, ask again
  // for the unit the text names rather than alert the other unit's chats with it.
  const chats = current.unitId === facts.unitId ? current.chats : await unitSubscribers(tx, facts.unitId)
  return { facts, chats }
}
