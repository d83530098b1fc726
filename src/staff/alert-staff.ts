import type { DbOrTx } from '../db/client.js'
import { outbox } from '../db/schema/index.js'
import { staffCaseFacts } from './case-facts.js'
import { staffTranslate } from './staff-text.js'
import { unitSubscribers } from './subscriptions.js'

/** Why staff are alerted: a case new to their unit, escalated to it, or overdue with nowhere to go. */
export type StaffAlertKind = 'new' | 'escalated' | 'overdue'

/**
 * Queues an alert about a case to every chat subscribed to the unit it is assigned to now. The
 * text names the case by code, category, municipality and deadline only (see StaffCaseFacts).
 * Returns how many chats were alerted.
 */
export async function alertStaff(tx: DbOrTx, caseId: string, kind: StaffAlertKind): Promise<number> {
  const facts = await staffCaseFacts(tx, caseId)
  if (!facts?.unitId) return 0
  const chats = await unitSubscribers(tx, facts.unitId)
  if (chats.length === 0) return 0
  await tx.insert(outbox).values(
    chats.map((chat) => ({
      channel: chat.channel,
      address: chat.address,
      contactId: chat.contactId,
      body: {
        text: staffTranslate(chat.locale, `staffAlert.${kind}`, {
          code: facts.code,
          category: facts.category(chat.locale),
          municipality: facts.municipality,
          unit: facts.unit,
          dueDate: facts.dueDate,
        }),
      },
    })),
  )
  return chats.length
}
