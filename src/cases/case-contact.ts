import { eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { contacts } from '../db/schema/index.js'
import { DomainError, ForbiddenError, NotFoundError } from '../domain-errors.js'
import { contactReleased } from '../privacy/release-contact.js'
import { type UnitScope, loadCase } from './case-ref.js'

/**
 * A web chat citizen has no address: their conversation id is the secret that makes them who they
 * are, so handing it to staff would let staff act as them. Only the chat reaches them (HTTP 409).
 */
export class ChatOnlyContactError extends DomainError {
  override name = 'ChatOnlyContactError'
  constructor(readonly code: string) {
    super(
      `case ${code} was filed through the web chat: there is no way to reach that citizen except the chat itself; ` +
        'a public comment on the case reaches them there',
    )
  }
}

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
  if (contact.channel === 'webchat') throw new ChatOnlyContactError(kase.code)
  return { code: kase.code, channel: contact.channel, address: contact.channelUserId, displayName: contact.displayName }
}
