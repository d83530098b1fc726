import { eq } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { contacts, staffSubscriptions } from '../db/schema/index.js'

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
