import { and, count, eq, isNull, sql } from 'drizzle-orm'
import type { DbOrTx, Tx } from '../db/client.js'
import { pollInvitations, polls } from '../db/schema/index.js'
import { DomainError, NotFoundError } from '../domain-errors.js'
import { checkPollDefinition } from './check-audience.js'
import { writeInvitations } from './open-polls.js'
import { PollDefinitionSchema } from './poll-definition.js'
import { createPoll, getPoll, pollFromRow, type Poll } from './poll-store.js'

/**
 * Opens a scheduled poll now instead of at its `opensAt` (which becomes now): the invitations are
 * written at once and go out, paced, from the jobs' next run.
 */
export async function openPollNow(tx: Tx, id: string, now: Date): Promise<Poll> {
  const poll = await getPoll(tx, id)
  if (poll.status !== 'scheduled') throw new DomainError(`poll ${id} is ${poll.status}: only a scheduled poll can be opened`)
  if (poll.definition.closesAt <= now) throw new DomainError(`poll ${id} would close before it opens`)
  const definition = { ...poll.definition, opensAt: now }
  const [row] = await tx
    .update(polls)
    .set({
      definition: sql`${polls.definition} || jsonb_build_object('opensAt', ${now.toISOString()}::text)`,
      opensAt: now,
      status: 'open',
      openedAt: now,
      updatedAt: now,
    })
    .where(and(eq(polls.id, id), eq(polls.status, 'scheduled')))
    .returning()
  if (!row) throw new NotFoundError('poll', id)
  await writeInvitations(tx, id, definition.audience)
  return pollFromRow(row)
}

/** Cancels a poll that has not opened: nothing was sent, so it goes away (the audit log keeps that it was). */
export async function cancelPoll(db: DbOrTx, id: string): Promise<void> {
  const poll = await getPoll(db, id)
  if (poll.status !== 'scheduled') throw new DomainError(`poll ${id} is ${poll.status}: only a scheduled poll can be cancelled; close an open one`)
  await db.delete(polls).where(and(eq(polls.id, id), eq(polls.status, 'scheduled')))
}

export type CopyWindow = { opensAt: Date; closesAt: Date; remindAt?: Date | undefined }

/** A new scheduled poll with the questions and audience of another (any status), in a new window. */
export async function copyPoll(db: DbOrTx, id: string, window: CopyWindow, now: Date): Promise<Poll> {
  const source = await getPoll(db, id)
  // the old reminder belongs to the old window
  const definition = PollDefinitionSchema.parse({
    ...source.definition,
    opensAt: window.opensAt.toISOString(),
    closesAt: window.closesAt.toISOString(),
    remindAt: window.remindAt?.toISOString(),
  })
  await checkPollDefinition(db, definition, now)
  return createPoll(db, definition, now)
}

/**
 * Closes an open poll early when it asked to (`closeWhenComplete`) and every member still in its
 * audience has answered every question: nothing is left to wait for. Called after an answer.
 */
export async function closeIfComplete(db: DbOrTx, pollId: string, now: Date): Promise<boolean> {
  const poll = await getPoll(db, pollId)
  if (poll.status !== 'open' || poll.definition.closeWhenComplete !== true) return false
  const [left] = await db
    .select({ n: count() })
    .from(pollInvitations)
    .where(and(eq(pollInvitations.pollId, pollId), isNull(pollInvitations.withdrawnAt), isNull(pollInvitations.completedAt)))
  if ((left?.n ?? 1) > 0) return false
  const closed = await db
    .update(polls)
    .set({ status: 'closed', closedAt: now, updatedAt: now })
    .where(and(eq(polls.id, pollId), eq(polls.status, 'open')))
    .returning({ id: polls.id })
  return closed.length > 0
}
