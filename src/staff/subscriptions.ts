import { eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { cases, contacts, staffSubscriptions } from '../db/schema/index.js'

/** A subscribed staff member's chat: where to write and in which language. */
export type StaffChat = { contactId: string; channel: string; address: string; locale: string }

/** The units a contact is subscribed to; empty for a citizen. */
export async function subscribedUnitIds(db: DbOrTx, contactId: string): Promise<string[]> {
  const rows = await db.select({ unitId: staffSubscriptions.unitId }).from(staffSubscriptions).where(eq(staffSubscriptions.contactId, contactId))
  return rows.map((row) => row.unitId)
}

/** The chats subscribed to a unit. */
export async function unitSubscribers(db: DbOrTx, unitId: string): Promise<StaffChat[]> {
  return db
    .select({ contactId: contacts.id, channel: contacts.channel, address: contacts.channelUserId, locale: contacts.locale })
    .from(staffSubscriptions)
    .innerJoin(contacts, eq(contacts.id, staffSubscriptions.contactId))
    .where(eq(staffSubscriptions.unitId, unitId))
}

/**
 * The chats subscribed to the unit a case is assigned to, with that unit (null when the case has
 * none, undefined when there is no such case). One statement that needs nothing read before it,
 * so an alert can send it together with the case's facts; the unit it saw is returned so the
 * caller can tell whether both statements saw the same one.
 */
export async function caseUnitSubscribers(db: DbOrTx, caseId: string): Promise<{ unitId: string | null; chats: StaffChat[] } | undefined> {
  // Driven by the case and left-joined, so a unit without subscribers still returns its row.
  const rows = await db
    .select({ unitId: cases.unitId, contactId: contacts.id, channel: contacts.channel, address: contacts.channelUserId, locale: contacts.locale })
    .from(cases)
    .leftJoin(staffSubscriptions, eq(staffSubscriptions.unitId, cases.unitId))
    .leftJoin(contacts, eq(contacts.id, staffSubscriptions.contactId))
    .where(eq(cases.id, caseId))
  const [first] = rows
  if (!first) return undefined
  const chats = rows.flatMap(({ contactId, channel, address, locale }) =>
    contactId !== null && channel !== null && address !== null && locale !== null ? [{ contactId, channel, address, locale }] : [],
  )
  return { unitId: first.unitId, chats }
}
