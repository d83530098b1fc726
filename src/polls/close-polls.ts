import { and, asc, eq, inArray, isNull, lte, ne } from 'drizzle-orm'
import type { Translate } from '../bot/engine/index.js'
import type { Tx } from '../db/client.js'
import { enqueue, isChannelKind } from '../bot/outbox.js'
import { contacts, pollInvitations, polls } from '../db/schema/index.js'
import { messageBudget, type Pacing } from './pacing.js'
import { publishedResults, type PublishedResults } from './poll-publication.js'
import { resultsMessage } from './results-message.js'

/** Closes the polls whose time is up (a scheduled poll that never opened closes too). */
export async function closeDuePolls(tx: Tx, now: Date): Promise<string[]> {
  const closed = await tx
    .update(polls)
    .set({ status: 'closed', closedAt: now, updatedAt: now })
    .where(and(inArray(polls.status, ['scheduled', 'open']), lte(polls.closesAt, now)))
    .returning({ id: polls.id })
  return closed.map((row) => row.id)
}

/** `minCell`: the small-cell threshold of published results (STATS_MIN_CELL, default 5) */
export type ResultsDeps = { now: Date; t: Translate; pacing: Pacing; minCell?: number }

/**
 * Sends the results of closed polls whose results are public or for the group to every member of
 * the audience who did not opt out ("salir"), answered or not: the mesa reports back to all it
 * asked. Each in their language, paced like invitations. Results are a plain message: they do
 * not open a conversation, so they need not wait for one to finish.
 */
export async function sendResults(tx: Tx, deps: ResultsDeps): Promise<number> {
  const closed = await tx
    .select({ id: polls.id })
    .from(polls)
    .where(and(eq(polls.status, 'closed'), ne(polls.resultsVisibility, 'admins')))
  if (closed.length === 0) return 0
  const due = and(
    inArray(pollInvitations.pollId, closed.map((p) => p.id)),
    isNull(pollInvitations.resultsSentAt),
    isNull(pollInvitations.withdrawnAt),
  )
  const cache = new Map<string, PublishedResults>()
  const resultsIn = async (pollId: string, locale: string) => {
    const key = `${pollId}\u0000${locale}`
    const found = cache.get(key) ?? (await publishedResults(tx, pollId, { locale, minCell: deps.minCell, now: deps.now }))
    cache.set(key, found)
    return found
  }
  let sent = 0
  const channels = await tx.selectDistinct({ channel: pollInvitations.channel }).from(pollInvitations).where(due)
  for (const { channel } of channels) {
    if (!isChannelKind(channel)) continue
    const budget = await messageBudget(tx, deps.pacing, channel)
    if (budget === 0) continue
    const batch = await tx
      .select({ pollId: pollInvitations.pollId, contactId: contacts.id, address: contacts.channelUserId, locale: contacts.locale })
      .from(pollInvitations)
      .innerJoin(contacts, eq(contacts.id, pollInvitations.contactId))
      .where(and(due, eq(pollInvitations.channel, channel)))
      .orderBy(asc(pollInvitations.contactId))
      .limit(budget)
    for (const row of batch) {
      const text = resultsMessage(await resultsIn(row.pollId, row.locale), deps.t, row.locale)
      await enqueue(tx, { channel, address: row.address, contactId: row.contactId, locale: row.locale, reply: { text }, kind: 'poll', notBefore: deps.now })
      await tx
        .update(pollInvitations)
        .set({ resultsSentAt: deps.now })
        .where(and(eq(pollInvitations.pollId, row.pollId), eq(pollInvitations.contactId, row.contactId)))
      sent++
    }
  }
  return sent
}
