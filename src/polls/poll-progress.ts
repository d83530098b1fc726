import { count, eq, sql } from 'drizzle-orm'
import type { DbOrTx } from '../db/client.js'
import { outbox, pollInvitations } from '../db/schema/index.js'
import { getPoll } from './poll-store.js'
import { sitsInAnotherPoll } from './poll-queue.js'

/** How a poll's delivery goes, for admins watching it run. */
export type PollProgress = {
  status: string
  /** audience members an invitation was written for */
  audience: number
  /** not invited yet: waiting for the channel's pace, or for a conversation to end */
  queued: number
  /** of the queued, those who were busy at least once */
  deferred: number
  /**
   * why the queued wait: sitting in another of their polls (this one follows when they finish or
   * set it aside), in the middle of another conversation, or for the channel's pace
   */
  waiting: { otherPoll: number; conversation: number; pace: number }
  /** reminders due (the reminder time came) but not yet sent: the member was busy or in another poll */
  remindersWaiting: number
  invited: number
  /** invitations whose messages the channel accepted */
  delivered: number
  failed: number
  started: number
  completed: number
  reminded: number
  /** said "salir", or the contact is gone */
  withdrawn: number
}

const counted = (condition: ReturnType<typeof sql>) => sql<number>`count(*) filter (where ${condition})`.mapWith(Number)

/** Counts of a poll's invitations by where they stand, and why the waiting wait. */
export async function pollProgress(db: DbOrTx, pollId: string, now: Date): Promise<PollProgress> {
  const poll = await getPoll(db, pollId)
  const i = pollInvitations
  const queued = sql`${i.invitedAt} is null and ${i.withdrawnAt} is null`
  const inOther = sitsInAnotherPoll(i.pollId, i.contactId, now)
  const remindDue = poll.status === 'open' && poll.definition.remindAt !== undefined && poll.definition.remindAt <= now
  const [row] = await db
    .select({
      otherPoll: counted(sql`${queued} and ${inOther}`),
      conversation: counted(sql`${queued} and not ${inOther} and ${i.deferrals} > 0`),
      pace: counted(sql`${queued} and not ${inOther} and ${i.deferrals} = 0`),
      remindersWaiting: counted(
        remindDue ? sql`${i.invitedAt} is not null and ${i.remindedAt} is null and ${i.completedAt} is null and ${i.withdrawnAt} is null` : sql`false`,
      ),
      audience: count(),
      queued: counted(sql`${i.invitedAt} is null and ${i.withdrawnAt} is null`),
      deferred: counted(sql`${i.invitedAt} is null and ${i.withdrawnAt} is null and ${i.deferrals} > 0`),
      invited: counted(sql`${i.invitedAt} is not null`),
      delivered: counted(sql`${outbox.status} = 'sent'`),
      failed: counted(sql`${outbox.status} = 'failed'`),
      started: counted(sql`${i.startedAt} is not null`),
      completed: counted(sql`${i.completedAt} is not null`),
      reminded: counted(sql`${i.remindedAt} is not null`),
      withdrawn: counted(sql`${i.withdrawnAt} is not null`),
    })
    .from(i)
    .leftJoin(outbox, eq(outbox.id, i.outboxId))
    .where(eq(i.pollId, pollId))
  if (!row) throw new Error('progress query returned nothing')
  const { otherPoll, conversation, pace, ...rest } = row
  return { status: poll.status, ...rest, waiting: { otherPoll, conversation, pace } }
}
