import { inArray } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Composed } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { outbox } from '../../../src/db/schema/index.js'
import { createTranslate } from '../../../src/i18n/index.js'
import { sendResults } from '../../../src/polls/close-polls.js'
import { forgetContact } from '../../../src/privacy/forget-contact.js'
import { AFTER, sampleBallot, seedClosedPoll } from '../../polls/seed-poll.js'
import { testApp } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { pollLeaks, type ResultsJson } from './poll-leaks.js'

const K = 5
const t = createTranslate()
const times = (n: number, make: (i: number) => ReturnType<typeof sampleBallot>) => Array.from({ length: n }, (_, i) => make(i))

describe.each(databaseKinds)('an attacker reading published poll results on %s', (kind) => {
  let database: Database
  let app: Composed

  beforeAll(async () => {
    database = await freshDatabase(kind)
    app = await testApp(database, () => AFTER)
  })
  afterAll(async () => {
    await database.close()
  })

  const publicResults = async (pollId: string): Promise<ResultsJson> => {
    const response = await app.app.request(`/api/v1/polls/${pollId}/public-results`)
    expect(response.status).toBe(200)
    return (await response.json()) as ResultsJson
  }
  const publicPoll = (municipalities: string[]) => ({ resultsVisibility: 'public', audience: { groups: [], municipalities } })

  it('cannot read the ballot of the only respondent of a municipality', async () => {
    const { pollId } = await seedClosedPoll(database.db, publicPoll(['0108', '0101']), [
      ...times(6, () => sampleBallot('0108', 'health', 4)),
      sampleBallot('0101', 'school', 1, { problems: ['waiting'] }),
    ])
    expect(pollLeaks(await publicResults(pollId), K)).toEqual([])
  })

  it('cannot subtract the shown municipalities from the total to get the small ones', async () => {
    const { pollId } = await seedClosedPoll(database.db, publicPoll(['0108', '0101', '0115']), [
      ...times(7, (i) => sampleBallot('0108', i < 5 ? 'health' : 'school', 4)),
      ...times(2, () => sampleBallot('0101', 'school', 2)),
      ...times(2, () => sampleBallot('0115', 'health', 5)),
    ])
    const results = await publicResults(pollId)
    expect(pollLeaks(results, K)).toEqual([])
    expect(results.respondents).toBe(11)
  })

  it('cannot work out a lone answer from the other counts of its question', async () => {
    const { pollId } = await seedClosedPoll(database.db, publicPoll(['0108']), [
      ...times(6, () => sampleBallot('0108', 'health', 4)),
      sampleBallot('0108', 'school', 1, { problems: ['medicine'], priorities: ['clinic', 'roads', 'water'] }),
    ])
    expect(pollLeaks(await publicResults(pollId), K)).toEqual([])
  })

  it('cannot work out withheld counts of a scale from its mean', async () => {
    const { pollId } = await seedClosedPoll(database.db, publicPoll(['0108']), [
      ...times(4, () => sampleBallot('0108', 'health', 4)),
      ...times(4, () => sampleBallot('0108', 'school', 5)),
      sampleBallot('0108', 'health', 1),
      sampleBallot('0108', 'health', 2),
    ])
    expect(pollLeaks(await publicResults(pollId), K)).toEqual([])
  })

  it('learns nothing by reading again after a participant erases their data', async () => {
    const { pollId, contactIds } = await seedClosedPoll(database.db, publicPoll(['0108']), times(8, (i) => sampleBallot('0108', i % 2 ? 'health' : 'school', 3 + (i % 3))))
    const before = await publicResults(pollId)
    const leaver = contactIds[0]
    if (!leaver) throw new Error('no contact')
    await database.db.transaction((tx) => forgetContact(tx, leaver, AFTER))
    expect(await publicResults(pollId)).toEqual(before)
  })

  it('in a mesa of three, cannot learn the other two ballots from the results message', async () => {
    const { pollId, contactIds } = await seedClosedPoll(database.db, { resultsVisibility: 'group', audience: { groups: [], municipalities: ['0108'] } }, [
      sampleBallot('0108', 'health', 5),
      sampleBallot('0108', 'school', 1),
      sampleBallot('0108', 'school', 2),
    ])
    await database.db.transaction((tx) => sendResults(tx, { now: AFTER, t, pacing: { rates: new Map([['webchat', 100]]), windowSeconds: 60, maxPerRun: 100 } }))
    const bodies = await database.db.select({ body: outbox.body }).from(outbox).where(inArray(outbox.contactId, contactIds))
    const title = 'Prioridades de inversión 2027'
    expect(bodies.map((row) => row.body)).toEqual(contactIds.map(() => ({ text: t('es', 'polls.results.withheld', { title, k: K }) })))
    const results = await app.app.request(`/api/v1/polls/${pollId}/public-results`)
    expect(results.status).toBe(404)
  })
})
