import { and, eq, isNull } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { pollGroupMembers, pollInvitations, pollSubscriptions } from '../db/schema/index.js'

/** Subscribes a contact to the polls of their municipality ("recibir consultas"); a second time moves it. */
export async function subscribe(db: DbOrTx, contactId: string, municipalityCode: string, now: Date): Promise<{ subscribed: boolean }> {
  await db
    .insert(pollSubscriptions)
    .values({ contactId, municipalityCode, subscribedAt: now })
    .onConflictDoUpdate({ target: pollSubscriptions.contactId, set: { municipalityCode, subscribedAt: now, leftAt: null } })
  return { subscribed: true }
}

export type LeaveOutcome = { left: boolean; groups: number; subscription: boolean }

/**
 * "salir": leaves every group and the subscription, and withdraws the invitations of polls still
 * running, so no invitation, reminder or result reaches them any more.
 */
export async function leavePolls(db: DbOrTx, contactId: string, now: Date): Promise<LeaveOutcome> {
  const groups = await db
    .update(pollGroupMembers)
    .set({ leftAt: now })
    .where(and(eq(pollGroupMembers.contactId, contactId), isNull(pollGroupMembers.leftAt)))
    .returning({ groupId: pollGroupMembers.groupId })
  const subscriptions = await db
    .update(pollSubscriptions)
    .set({ leftAt: now })
    .where(and(eq(pollSubscriptions.contactId, contactId), isNull(pollSubscriptions.leftAt)))
    .returning({ contactId: pollSubscriptions.contactId })
  await db
    .update(pollInvitations)
    .set({ withdrawnAt: now })
    .where(and(eq(pollInvitations.contactId, contactId), isNull(pollInvitations.withdrawnAt)))
  const subscription = subscriptions.length > 0
  return { left: groups.length > 0 || subscription, groups: groups.length, subscription }
}
