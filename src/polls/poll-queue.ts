import { and, asc, eq, gt, isNotNull, isNull, ne, sql, type SQL } from 'drizzle-orm'
import type { Tx } from '../db/client.js'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import { pollInvitations, polls, sessions } from '../db/schema/index.js'
import { POLL_FLOW_PREFIX } from './poll-flow.js'

/** a poll's flow id: the prefix and a uuid */
const UUID_FLOW = `^${POLL_FLOW_PREFIX}[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`

/**
 * Whether the contact sits in another poll that still waits for them: their session is at a
 * question of poll X (not `pollId`), X is open, and they have neither finished nor left it. A
 * member's polls form a queue: the next one is offered when this one is answered or set aside
 * (the member went to the menu or to another conversation), never on top of it, and this says
 * nothing of being busy, so the invitation is not counted as deferred.
 */
export function sitsInAnotherPoll(pollId: AnyPgColumn | string, contactId: AnyPgColumn, now: Date): SQL {
  const other = sql`other_invitation`
  const otherPoll = sql`other_poll`
  const pollRef = typeof pollId === 'string' ? sql`${pollId}::uuid` : sql`${pollId}`
  const flowId = sql`(${sessions.state} ->> 'flowId')`
  // the poll id is read out of the session's flow id, so both lookups below go by primary key
  // (a scan of the contact's invitations per candidate would cost 100,000 × 100,000 on a big poll)
  const sittingIn = sql`case when ${flowId} ~ ${UUID_FLOW} then substr(${flowId}, ${POLL_FLOW_PREFIX.length + 1})::uuid end`
  return sql`exists (
    select 1 from ${sessions}
    join ${pollInvitations} as ${other} on ${other}.poll_id = ${sittingIn} and ${other}.contact_id = ${sessions.contactId}
    join ${polls} as ${otherPoll} on ${otherPoll}.id = ${other}.poll_id
    where ${sessions.contactId} = ${contactId}
      and ${other}.poll_id <> ${pollRef}
      and ${other}.completed_at is null and ${other}.withdrawn_at is null
      and ${otherPoll}.status = 'open' and ${otherPoll}.closes_at > ${now.toISOString()}::timestamptz
  )`
}

/** The open polls this contact was sent and has neither finished nor left, the oldest first. */
export async function pendingPolls(tx: Tx, contactId: string, now: Date): Promise<string[]> {
  const rows = await tx
    .select({ pollId: pollInvitations.pollId })
    .from(pollInvitations)
    .innerJoin(polls, eq(polls.id, pollInvitations.pollId))
    .where(
      and(
        eq(pollInvitations.contactId, contactId),
        isNotNull(pollInvitations.invitedAt),
        isNull(pollInvitations.completedAt),
        isNull(pollInvitations.withdrawnAt),
        eq(polls.status, 'open'),
        gt(polls.closesAt, now),
      ),
    )
    .orderBy(asc(pollInvitations.invitedAt))
  return rows.map((row) => row.pollId)
}

/** Open polls, other than `pollId`, that this contact was invited to and has not finished or left. */
export function otherPendingPolls(pollId: string, contactId: string, now: Date): SQL | undefined {
  return and(
    eq(pollInvitations.contactId, contactId),
    ne(pollInvitations.pollId, pollId),
    isNull(pollInvitations.completedAt),
    isNull(pollInvitations.withdrawnAt),
    eq(polls.status, 'open'),
    gt(polls.closesAt, now),
  )
}
