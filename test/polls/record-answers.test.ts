import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Json } from '../../src/bot/engine/index.js'
import type { Database } from '../../src/db/client.js'
import { loadReferenceData } from '../../src/db/reference/load-reference.js'
import { contacts, pollAnswers, polls } from '../../src/db/schema/index.js'
import { subscribe } from '../../src/polls/membership.js'
import { openDuePolls } from '../../src/polls/open-polls.js'
import { createPoll } from '../../src/polls/poll-store.js'
import { recordAnswers } from '../../src/polls/record-answers.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { samplePoll } from './fixtures.js'

const during = new Date('2026-12-02T15:00:00Z')
const afterClosing = new Date('2026-12-09T01:00:00Z')

describe.each(databaseKinds)('recordAnswers on %s', (kind) => {
  let database: Database
  let pollId: string
  let member: string
  let outsider: string
  let n = 0

  beforeAll(async () => {
    database = await freshDatabase(kind)
    await loadReferenceData(database.db)
  })
  afterAll(async () => {
    await database.close()
  })
  beforeEach(async () => {
    n++
    const [a, b] = await database.db
      .insert(contacts)
      .values([{ channel: 'telegram', channelUserId: `m${n}` }, { channel: 'telegram', channelUserId: `o${n}` }])
      .returning({ id: contacts.id })
    if (!a || !b) throw new Error('contacts not created')
    member = a.id
    outsider = b.id
    await subscribe(database.db, member, '0108', during)
    // the outsider subscribed elsewhere, so the poll for Mixco does not invite them
    await subscribe(database.db, outsider, '0901', during)
    pollId = (await createPoll(database.db, samplePoll(), during)).id
    await database.db.transaction((tx) => openDuePolls(tx, during))
  })

  const answer = (answers: Record<string, Json>, at = during, contactId = member) =>
    recordAnswers(database.db, { pollId, contactId, answers, locale: 'es', now: at })
  const stored = async (contactId = member) =>
    database.db.select().from(pollAnswers).where(and(eq(pollAnswers.pollId, pollId), eq(pollAnswers.contactId, contactId)))

  it.each([
    ['service', 'school'],
    ['problems', ['staff', 'waiting']],
    ['trust', 5],
    ['priorities', ['clinic', 'water', 'roads']],
    ['comment', 'Que arreglen el camino a la aldea'],
  ])('stores a valid %s answer and points to the next unanswered question', async (question, value) => {
    const state = await answer({ [question]: value })
    expect(state).toMatchObject({ closed: false, rejected: false, remaining: 4 })
    expect(state.next).toBe(question === 'service' ? 'problems' : 'service')
    expect((await stored()).map((row) => [row.questionId, row.value, row.municipalityCode])).toEqual([[question, value, '0108']])
  })

  it.each([
    ['service', 'pizza'],
    ['service', ['school']],
    ['problems', ['staff', 'medicine', 'waiting']],
    ['problems', ['staff', 'staff']],
    ['problems', []],
    ['trust', 3.5],
    ['trust', 6],
    ['trust', '6'],
    ['trust', 'cuatro'],
    ['priorities', ['water', 'roads']],
    ['priorities', ['water', 'water', 'roads']],
    ['comment', '   '],
    ['comment', 'x'.repeat(201)],
    ['nonexistent', 'x'],
  ])('refuses an invalid %s answer %j and stores nothing', async (question, value) => {
    const state = await answer({ [question]: value })
    expect(state).toMatchObject({ closed: false, rejected: true, next: 'service', remaining: 5 })
    expect(await stored()).toEqual([])
  })

  it('keeps one vote per member and question: a second answer changes nothing', async () => {
    await answer({ service: 'health' })
    const again = await answer({ service: 'school' })
    expect(again.next).toBe('problems')
    expect((await stored()).map((row) => row.value)).toEqual(['health'])
    await expect(
      database.db.insert(pollAnswers).values({ pollId, questionId: 'service', contactId: member, value: 'school' }),
    ).rejects.toThrow()
  })

  it('refuses answers after closing, politely: closed, nothing stored', async () => {
    const state = await answer({ service: 'health' }, afterClosing)
    expect(state).toMatchObject({ closed: true, title: 'Prioridades de inversión 2027', closesOn: '2026-12-08' })
    expect(await stored()).toEqual([])
  })

  it('refuses answers once an admin closed the poll early', async () => {
    await database.db.update(polls).set({ status: 'closed' }).where(eq(polls.id, pollId))
    expect((await answer({ service: 'health' })).closed).toBe(true)
  })

  it('takes no answer from someone outside the audience', async () => {
    expect((await answer({ service: 'health' }, during, outsider)).closed).toBe(true)
    expect(await stored(outsider)).toEqual([])
  })

  it('reports the member done once every question is answered', async () => {
    const state = await answer({
      service: 'health', problems: ['staff'], trust: 3, priorities: ['roads', 'water', 'clinic'], comment: 'Gracias',
    })
    expect(state).toMatchObject({ next: null, remaining: 0, rejected: false })
  })
})
