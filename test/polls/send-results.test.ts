import { randomUUID } from 'node:crypto'
import { and, eq, isNotNull } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/client.js'
import { contacts, outbox, pollInvitations } from '../../src/db/schema/index.js'
import { createTranslate } from '../../src/i18n/index.js'
import { sendResults } from '../../src/polls/close-polls.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { AFTER, DURING, sampleBallot, seedClosedPoll } from './seed-poll.js'

describe.each(databaseKinds)('sendResults on %s', (kind) => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase(kind)
  })
  afterAll(async () => {
    await database.close()
  })

  it('sends the results to every member who did not opt out, answered or not', async () => {
    const ballots = Array.from({ length: 5 }, () => sampleBallot('0108', 'health', 4))
    const { pollId, contactIds } = await seedClosedPoll(database.db, {}, ballots)
    const extra = async (withdrawn: boolean) => {
      const [contact] = await database.db.insert(contacts).values({ channel: 'webchat', channelUserId: `late-${randomUUID()}` }).returning({ id: contacts.id })
      if (!contact) throw new Error('no contact')
      await database.db
        .insert(pollInvitations)
        .values({ pollId, contactId: contact.id, channel: 'webchat', municipalityCode: '0108', invitedAt: DURING, withdrawnAt: withdrawn ? DURING : null })
      return contact.id
    }
    const silent = await extra(false)
    const left = await extra(true)
    const pacing = { rates: new Map([['webchat', 100]]), windowSeconds: 60, maxPerRun: 2_000 }
    const sent = await database.db.transaction((tx) => sendResults(tx, { now: AFTER, t: createTranslate(), pacing }))
    expect(sent).toBe(6)
    const reached = new Set((await database.db.select({ contactId: outbox.contactId }).from(outbox)).map((row) => row.contactId))
    expect([...contactIds, silent].every((id) => reached.has(id))).toBe(true)
    expect(reached.has(left)).toBe(false)
    const marked = await database.db.select().from(pollInvitations).where(and(eq(pollInvitations.pollId, pollId), isNotNull(pollInvitations.resultsSentAt)))
    expect(marked).toHaveLength(6)
  })
})
