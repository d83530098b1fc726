import { and, eq, inArray, isNull } from 'drizzle-orm'
import { normalizeTrackingCode } from '../cases/tracking-code.js'
import type { DbOrTx } from '../db/client.js'
import { pollGroupMembers, pollGroups, pollInvitations, polls, pollSubscriptions } from '../db/schema/index.js'
import { pollFromRow } from './poll-store.js'

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

/** What "salir" does: leaves everything, one group, or first asks which when there is a choice. */
export type LeaveChoice =
  | (LeaveOutcome & { ask: false; group?: string })
  | { ask: true; left: false; groups: number; subscription: boolean; list: string }

/** Words that mean "all of them" when asked which group to leave. */
const ALL_WORDS = new Set(['todas', 'todos', 'todo', 'all', 'everything', 'salir'])

/**
 * "salir" and its answer. Without `answer`, someone in one group or only subscribed leaves at once;
 * someone in several is asked which (`list` names them with their codes, which the group shared
 * anyway). The answer is a group's code, or "todas". Leaving one group withdraws the invitations of
 * running polls that reached the member through that group only.
 */
export async function leaveChosen(db: DbOrTx, contactId: string, answer: string | null, now: Date): Promise<LeaveChoice> {
  const groups = await db
    .select({ id: pollGroups.id, name: pollGroups.name, inviteCode: pollGroups.inviteCode })
    .from(pollGroupMembers)
    .innerJoin(pollGroups, eq(pollGroups.id, pollGroupMembers.groupId))
    .where(and(eq(pollGroupMembers.contactId, contactId), isNull(pollGroupMembers.leftAt)))
  const [subscribed] = await db
    .select({ municipalityCode: pollSubscriptions.municipalityCode })
    .from(pollSubscriptions)
    .where(and(eq(pollSubscriptions.contactId, contactId), isNull(pollSubscriptions.leftAt)))
  const choices = groups.length + (subscribed ? 1 : 0)
  const typed = answer?.trim() ?? ''
  if (typed === '' && choices <= 1) return { ask: false, ...(await leavePolls(db, contactId, now)) }
  if (typed !== '' && ALL_WORDS.has(typed.toLowerCase())) return { ask: false, ...(await leavePolls(db, contactId, now)) }
  const code = typed === '' ? null : normalizeTrackingCode(typed)
  const group = code ? groups.find((g) => g.inviteCode === code) : undefined
  if (!group) {
    const list = groups.map((g) => `• ${g.name}: ${g.inviteCode}`).join('\n')
    return { ask: true, left: false, groups: groups.length, subscription: subscribed !== undefined, list }
  }
  await db.update(pollGroupMembers).set({ leftAt: now }).where(and(eq(pollGroupMembers.groupId, group.id), eq(pollGroupMembers.contactId, contactId)))
  await withdrawUnreached(db, contactId, new Set(groups.filter((g) => g.id !== group.id).map((g) => g.id)), subscribed?.municipalityCode, now)
  return { ask: false, left: true, groups: 1, subscription: false, group: group.name }
}

/** Withdraws the member from running polls none of whose audience reaches them any more. */
async function withdrawUnreached(db: DbOrTx, contactId: string, stillIn: ReadonlySet<string>, municipality: string | undefined, now: Date): Promise<void> {
  const rows = await db
    .select({ poll: polls })
    .from(pollInvitations)
    .innerJoin(polls, eq(polls.id, pollInvitations.pollId))
    .where(and(eq(pollInvitations.contactId, contactId), isNull(pollInvitations.withdrawnAt), inArray(polls.status, ['scheduled', 'open'])))
  const unreached = rows
    .map((row) => pollFromRow(row.poll))
    .filter(({ definition: { audience } }) => !audience.groups.some((id) => stillIn.has(id)) && !(municipality !== undefined && audience.municipalities.includes(municipality)))
    .map((poll) => poll.id)
  if (unreached.length === 0) return
  await db
    .update(pollInvitations)
    .set({ withdrawnAt: now })
    .where(and(eq(pollInvitations.contactId, contactId), inArray(pollInvitations.pollId, unreached)))
}
