import { and, eq, lt } from 'drizzle-orm'
import type { Db } from '../../../db/client.js'
import { contacts } from '../../../db/schema/index.js'
import { releaseHeld } from '../../outbox.js'

/** Meta delivers free-form messages only this long after the citizen's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60_000

/** Why an outbox row is held: it waits for the citizen to open the window again. */
export const OUTSIDE_WINDOW = 'outside 24h window, waiting for the citizen'

/** Whether the citizen wrote within the last 24 hours; undefined if never. */
export async function serviceWindow(db: Db, address: string, at: Date): Promise<{ open: boolean } | undefined> {
  const [contact] = await db
    .select({ lastSeenAt: contacts.lastSeenAt })
    .from(contacts)
    .where(and(eq(contacts.channel, 'whatsapp-cloud'), eq(contacts.channelUserId, address)))
  if (!contact) return undefined
  return { open: at.getTime() - contact.lastSeenAt.getTime() < SERVICE_WINDOW_MS }
}

/**
 * The citizen wrote, so the window is open again: messages held for it become due now, ahead of
 * the answers to what they just wrote (called before the message is handled; ids keep the order).
 * The window is marked open first, so a delivery run between this and the message's own
 * transaction does not find it still closed and hold them again.
 */
export async function reopenServiceWindow(db: Db, address: string, at: Date): Promise<void> {
  await db
    .update(contacts)
    .set({ lastSeenAt: at })
    .where(and(eq(contacts.channel, 'whatsapp-cloud'), eq(contacts.channelUserId, address), lt(contacts.lastSeenAt, at)))
  await releaseHeld(db, 'whatsapp-cloud', address, at)
}
