import { and, eq } from 'drizzle-orm'
import type { Db } from '../../../db/client.js'
import { contacts, outbox } from '../../../db/schema/index.js'

/** Meta delivers free-form messages only this long after the citizen's last message. */
export const SERVICE_WINDOW_MS = 24 * 60 * 60_000

/** What the outbox row says while a message waits for the citizen to open the window again. */
export const OUTSIDE_WINDOW = 'outside 24h window, waiting for the citizen'

/** The citizen's language and whether they wrote within the last 24 hours; undefined if never. */
export async function serviceWindow(db: Db, address: string, at: Date): Promise<{ open: boolean; locale: string } | undefined> {
  const [contact] = await db
    .select({ lastSeenAt: contacts.lastSeenAt, locale: contacts.locale })
    .from(contacts)
    .where(and(eq(contacts.channel, 'whatsapp-cloud'), eq(contacts.channelUserId, address)))
  if (!contact) return undefined
  return { open: at.getTime() - contact.lastSeenAt.getTime() < SERVICE_WINDOW_MS, locale: contact.locale }
}

/**
 * The citizen wrote, so the window is open again: messages that waited for it become due now,
 * ahead of the answers to what they just wrote (the outbox keeps order per address).
 */
export async function wakeWaitingMessages(db: Db, address: string, at: Date): Promise<void> {
  await db
    .update(outbox)
    .set({ nextAttemptAt: at })
    .where(and(eq(outbox.channel, 'whatsapp-cloud'), eq(outbox.address, address), eq(outbox.status, 'pending'), eq(outbox.lastError, OUTSIDE_WINDOW)))
}
