import { and, asc, eq, gt, inArray, isNotNull, isNull, lte, max, not, sql } from 'drizzle-orm'
import type { Json } from '../bot/engine/index.js'
import type { Tx } from '../db/client.js'
import { outbox, pollInvitations, polls } from '../db/schema/index.js'
import { messageBudget, type Pacing } from './pacing.js'
import { pollFlowId } from './poll-flow.js'
import { sitsInAnotherPoll } from './poll-queue.js'

/** The runtime's startFlow: 'busy' when the contact is in the middle of a conversation. */
export type StartFlow = (contactId: string, flowId: string, vars: Record<string, Json>, tx?: Tx) => Promise<'started' | 'busy' | 'gone'>

export type DeliveryDeps = { now: Date; startFlow: StartFlow; pacing: Pacing }

export type DeliveryCount = { started: number; deferred: number; gone: number }

// what opening a poll writes: the title, how it works, the first question (a reminder: two)
const INVITATION_MESSAGES = 3
const REMINDER_MESSAGES = 2

/**
 * Invites the audience of open polls, as many per channel as the channel can deliver before the
 * next run. Someone in the middle of a complaint is not interrupted: their invitation waits for a
 * later run (`deferrals` counts the waits), every run until the poll closes. Someone sitting in
 * another unfinished poll is not picked at all: their polls are a queue, and the next goes out
 * on the first run after they answer or set aside the one in front.
 */
export async function sendInvitations(tx: Tx, deps: DeliveryDeps): Promise<DeliveryCount> {
  return deliver(tx, deps, { reminder: false })
}

/**
 * Reminds those who have not finished, once, when a poll's `remindAt` has come; a reminder that
 * finds the member busy (or in another poll) is tried again every run until the poll closes.
 */
export async function sendReminders(tx: Tx, deps: DeliveryDeps): Promise<DeliveryCount> {
  return deliver(tx, deps, { reminder: true })
}

async function deliver(tx: Tx, deps: DeliveryDeps, { reminder }: { reminder: boolean }): Promise<DeliveryCount> {
  const { now } = deps
  const running = await tx
    .select({ id: polls.id })
    .from(polls)
    .where(and(eq(polls.status, 'open'), gt(polls.closesAt, now), reminder ? lte(polls.remindAt, now) : undefined))
  const total: DeliveryCount = { started: 0, deferred: 0, gone: 0 }
  if (running.length === 0) return total
  const startedNow = new Set<string>()
  const pending = and(
    inArray(pollInvitations.pollId, running.map((p) => p.id)),
    isNull(pollInvitations.withdrawnAt),
    reminder
      ? and(isNotNull(pollInvitations.invitedAt), isNull(pollInvitations.remindedAt), isNull(pollInvitations.completedAt))
      : isNull(pollInvitations.invitedAt),
    not(sitsInAnotherPoll(pollInvitations.pollId, pollInvitations.contactId, now)),
  )
  const channels = await tx.selectDistinct({ channel: pollInvitations.channel }).from(pollInvitations).where(pending)
  for (const { channel } of channels) {
    const budget = Math.floor((await messageBudget(tx, deps.pacing, channel)) / (reminder ? REMINDER_MESSAGES : INVITATION_MESSAGES))
    if (budget === 0) continue
    const batch = await tx
      .select({ pollId: pollInvitations.pollId, contactId: pollInvitations.contactId })
      .from(pollInvitations)
      .where(and(pending, eq(pollInvitations.channel, channel)))
      // those who waited least go first, so a contact always busy does not hold the queue
      .orderBy(asc(pollInvitations.deferrals), asc(pollInvitations.contactId))
      .limit(budget)
    for (const invitation of batch) {
      // two polls for one idle member in one run: the second waits behind the first
      if (startedNow.has(invitation.contactId)) continue
      const vars: Record<string, Json> = reminder ? { poll: invitation.pollId, reminder: true } : { poll: invitation.pollId }
      const outcome = await deps.startFlow(invitation.contactId, pollFlowId(invitation.pollId), vars, tx)
      await recordOutcome(tx, invitation, outcome, now, reminder)
      if (outcome === 'started') startedNow.add(invitation.contactId)
      total[outcome === 'started' ? 'started' : outcome === 'busy' ? 'deferred' : 'gone']++
    }
  }
  return total
}

async function recordOutcome(
  tx: Tx,
  invitation: { pollId: string; contactId: string },
  outcome: 'started' | 'busy' | 'gone',
  now: Date,
  reminder: boolean,
): Promise<void> {
  const where = and(eq(pollInvitations.pollId, invitation.pollId), eq(pollInvitations.contactId, invitation.contactId))
  if (outcome === 'busy') {
    await tx.update(pollInvitations).set({ deferrals: sql`${pollInvitations.deferrals} + 1` }).where(where)
    return
  }
  if (outcome === 'gone') {
    await tx.update(pollInvitations).set({ withdrawnAt: now }).where(where)
    return
  }
  if (reminder) {
    await tx.update(pollInvitations).set({ remindedAt: now }).where(where)
    return
  }
  // the session row is locked by us, so the contact's newest outbox row is the invitation's last message
  const [last] = await tx.select({ id: max(outbox.id) }).from(outbox).where(eq(outbox.contactId, invitation.contactId))
  await tx.update(pollInvitations).set({ invitedAt: now, outboxId: last?.id ?? null }).where(where)
}
