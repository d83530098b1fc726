import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import type { Json } from '../../src/bot/engine/index.js'
import type { Db } from '../../src/db/client.js'
import { loadReferenceData } from '../../src/db/reference/load-reference.js'
import { contacts, pollInvitations, polls } from '../../src/db/schema/index.js'
import { recordAnswers } from '../../src/polls/record-answers.js'
import { closePollNow, createPoll } from '../../src/polls/poll-store.js'
import { samplePoll } from './fixtures.js'

const withReference = new WeakSet<Db>()

/** One participant: where they live and what they answered (question id -> value). */
export type Ballot = { municipality: string | null; answers: Record<string, Json> }

/** while the sample poll is open, and after it closes */
export const DURING = new Date('2026-12-02T15:00:00Z')
export const AFTER = new Date('2026-12-09T01:00:00Z')

/**
 * A sample poll (with `overrides`) that opened, took these ballots through recordAnswers as the
 * poll flow does, and closed; one contact per ballot, invited in its municipality.
 */
export async function seedClosedPoll(db: Db, overrides: Record<string, unknown>, ballots: readonly Ballot[]): Promise<{ pollId: string; contactIds: string[] }> {
  // an audience names municipalities, which must exist
  if (!withReference.has(db)) {
    await loadReferenceData(db)
    withReference.add(db)
  }
  const poll = await createPoll(db, samplePoll(overrides), DURING)
  await db.update(polls).set({ status: 'open', openedAt: DURING }).where(eq(polls.id, poll.id))
  const contactIds: string[] = []
  for (const ballot of ballots) {
    const [contact] = await db.insert(contacts).values({ channel: 'webchat', channelUserId: `seed-${randomUUID()}` }).returning({ id: contacts.id })
    if (!contact) throw new Error('contact insert returned nothing')
    await db.insert(pollInvitations).values({ pollId: poll.id, contactId: contact.id, channel: 'webchat', municipalityCode: ballot.municipality, invitedAt: DURING })
    await recordAnswers(db, { pollId: poll.id, contactId: contact.id, answers: ballot.answers, locale: 'es', now: DURING })
    contactIds.push(contact.id)
  }
  await closePollNow(db, poll.id, AFTER)
  return { pollId: poll.id, contactIds }
}

/** A full ballot of the sample poll, with `service` and `trust` as given. */
export function sampleBallot(municipality: string | null, service: 'health' | 'school', trust: number, extra: Record<string, Json> = {}): Ballot {
  return {
    municipality,
    answers: { service, problems: ['staff'], trust, priorities: ['water', 'roads', 'clinic'], comment: 'Más médicos', ...extra },
  }
}
