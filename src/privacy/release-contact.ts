import { and, eq } from 'drizzle-orm'
import type { DbOrTx, Tx } from '../db/client.js'
import { caseEvents } from '../db/schema/index.js'
import { loadCase } from '../cases/case-ref.js'
import { NotFoundError } from '../domain-errors.js'

/** The event that records a citizen's consent to show their contact on a confidential case. */
export const CONTACT_RELEASED = 'contact.released'

export type ReleaseOutcome = 'ok' | 'notYours' | 'notConfidential'

/**
 * "compartir mis datos CODE": the citizen of a confidential case lets its unit see their contact.
 * Only the contact that filed the case can; the consent is a private case event by the citizen.
 */
export async function releaseContact(tx: Tx, code: string, contactId: string, now: Date): Promise<{ outcome: ReleaseOutcome; code: string }> {
  let kase
  try {
    kase = await loadCase(tx, code, null, true)
  } catch (error) {
    if (error instanceof NotFoundError) return { outcome: 'notYours', code }
    throw error
  }
  if (kase.contactId !== contactId) return { outcome: 'notYours', code }
  if (kase.identityMode !== 'confidential') return { outcome: 'notConfidential', code: kase.code }
  if (!(await contactReleased(tx, kase.id))) {
    await tx.insert(caseEvents).values({ caseId: kase.id, at: now, actor: 'citizen', type: CONTACT_RELEASED, public: false, note: 'La persona autorizó que la oficina vea su contacto.' })
  }
  return { outcome: 'ok', code: kase.code }
}

/** Whether the citizen of a confidential case agreed to let staff see their contact. */
export async function contactReleased(db: DbOrTx, caseId: string): Promise<boolean> {
  const [event] = await db
    .select({ id: caseEvents.id })
    .from(caseEvents)
    .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.type, CONTACT_RELEASED)))
    .limit(1)
  return event !== undefined
}
