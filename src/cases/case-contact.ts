import { eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { contacts } from '../db/schema/index.js'
import { ForbiddenError, NotFoundError } from '../domain-errors.js'
import { contactReleased } from '../privacy/release-contact.js'
import { type UnitScope, loadCase } from './case-ref.js'

export type CaseContact = { code: string; channel: string; address: string; displayName: string | null }

/**
 * How to reach the citizen of a case: only for a case filed with their name (they agreed the
 * institution may see it), or a confidential one whose citizen later agreed in the chat
 * ("compartir mis datos"), and only to its unit (`scope`) or an admin. Anonymous cases never do.
 */
export async function caseContact(db: DbOrTx, code: string, scope: UnitScope): Promise<CaseContact> {
  const kase = await loadCase(db, code, scope)
  const consented = kase.identityMode === 'confidential' && (await contactReleased(db, kase.id))
  if (kase.identityMode !== 'named' && !consented) {
    throw new ForbiddenError(`case ${kase.code} is ${kase.identityMode}: the citizen did not agree to share their contact`)
  }
  if (kase.contactId === null) throw new NotFoundError('contact of case', kase.code)
  const [contact] = await db.select().from(contacts).where(eq(contacts.id, kase.contactId))
  if (!contact) throw new NotFoundError('contact of case', kase.code)
  return { code: kase.code, channel: contact.channel, address: contact.channelUserId, displayName: contact.displayName }
}
