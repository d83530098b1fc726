import { eq } from 'drizzle-orm'
import type { Tx } from '../db/client.js'
import { caseEvents, cases, contacts, inboundMessages, outbox, sessions, webchatMessages } from '../db/schema/index.js'
import { redactPiiAndNames } from './redact-pii.js'

/** What "borrar mis datos" removed: how many cases lost their link to the person. */
export type ForgetResult = { forgotten: boolean; cases: number }

/**
 * Deletes a contact and everything that holds its id or its chat address: session, inbound
 * message records, outbox rows, web chat messages, poll memberships and answers, staff
 * subscriptions (the last three by cascade). Its cases stay for statistics, anonymised: no link,
 * no follow-ups, personal data masked in their text, and a private event that says so.
 */
export async function forgetContact(tx: Tx, contactId: string, now: Date): Promise<ForgetResult> {
  const [contact] = await tx.select().from(contacts).where(eq(contacts.id, contactId)).for('update')
  if (!contact) return { forgotten: false, cases: 0 }

  const linked = await tx.select().from(cases).where(eq(cases.contactId, contactId)).for('update')
  for (const kase of linked) {
    await tx
      .update(cases)
      .set({
        contactId: null,
        identityMode: 'anonymous',
        pseudonym: null,
        followUps: false,
        description: redactPiiAndNames(kase.description),
        facility: redactPiiAndNames(kase.facility),
        updatedAt: now,
      })
      .where(eq(cases.id, kase.id))
  }
  if (linked.length > 0) {
    await tx.insert(caseEvents).values(
      linked.map((kase) => ({
        caseId: kase.id,
        at: now,
        actor: 'system',
        type: 'contact.forgotten',
        public: false,
        note: 'La persona pidió borrar sus datos: el caso se conserva sin vínculo con ella.',
      })),
    )
  }

  await tx.delete(inboundMessages).where(eq(inboundMessages.contactId, contactId))
  await tx.delete(outbox).where(eq(outbox.contactId, contactId))
  // a web chat conversation id is the contact's channel user id; its pending messages go too
  if (contact.channel === 'webchat') await tx.delete(webchatMessages).where(eq(webchatMessages.conversationId, contact.channelUserId))
  await tx.delete(sessions).where(eq(sessions.contactId, contactId))
  await tx.delete(contacts).where(eq(contacts.id, contactId))
  return { forgotten: true, cases: linked.length }
}
