import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { createPoll } from '../../src/polls/poll-store.js'
import { publishedResults, type PublishedResults } from '../../src/polls/poll-publication.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { samplePoll } from './fixtures.js'
import { AFTER, DURING, sampleBallot, seedClosedPoll } from './seed-poll.js'

describe.each(databaseKinds)('published poll results on %s', (kind) => {
  let database: Database
  let app: Composed
  let admin: string
  let pollId: string

  beforeAll(async () => {
    database = await freshDatabase(kind)
    app = await testApp(database, () => AFTER)
    admin = (await createToken(database.db, { name: 'operator', role: 'admin' })).token
    const seeded = await seedClosedPoll(database.db, { resultsVisibility: 'public', audience: { groups: [], municipalities: ['0108', '0101'] } }, [
      ...Array.from({ length: 6 }, (_, i) => sampleBallot('0108', 'health', 4, { comment: `Queja número ${i}` })),
      ...Array.from({ length: 6 }, (_, i) => sampleBallot('0101', i < 5 ? 'school' : 'health', 5)),
    ])
    pollId = seeded.pollId
  })
  afterAll(async () => {
    await database.close()
  })

  const get = async (path: string, token?: string) => app.app.request(path, token ? { headers: { authorization: `Bearer ${token}` } } : {})

  it('shows municipalities of k or more respondents, and counts of k or more as they are', async () => {
    const results = (await (await get(`/api/v1/polls/${pollId}/public-results?locale=en`)).json()) as PublishedResults
    expect(results).toMatchObject({ respondents: 12, withheld: false, minCell: 5 })
    const mixco = results.byMunicipality?.find((s) => s.municipalityCode === '0108')
    expect(mixco).toMatchObject({ respondents: 6, withheld: false })
    expect(mixco?.questions.find((q) => q.id === 'trust')?.scale).toEqual({ mean: 4, distribution: [0, 0, 0, 6, 0].map((count, i) => ({ value: i + 1, count, share: count / 6 })) })
  })

  it('withholds the counts a small one could be worked out from, in its municipality, the others and the total', async () => {
    // 0101: 5 school and 1 health; 0108: 6 health. Health in 0108 (6) and in all (7) would give the 1
    const results = (await (await get(`/api/v1/polls/${pollId}/public-results`)).json()) as PublishedResults
    const service = (slice: { questions: PublishedResults['questions'] } | undefined) => slice?.questions.find((q) => q.id === 'service')?.options?.map((o) => o.count)
    expect(service(results.byMunicipality?.find((s) => s.municipalityCode === '0101'))).toEqual(['<5', 'x'])
    expect(service(results.byMunicipality?.find((s) => s.municipalityCode === '0108'))).toEqual(['x', 0])
    expect(service(results)).toEqual(['x', 'x'])
  })

  it('never publishes free texts, in JSON or CSV, while admins read them', async () => {
    const json = await (await get(`/api/v1/polls/${pollId}/public-results`)).text()
    const csv = await (await get(`/api/v1/polls/${pollId}/public-results?format=csv`)).text()
    expect(json).not.toContain('Queja número')
    expect(csv).not.toContain('Queja número')
    expect(csv.split('\r\n')).toContain('0101,service,¿Qué servicio usa más?,single,count,health,Salud,<5')
    const exact = await (await get(`/api/v1/polls/${pollId}/results`, admin)).text()
    expect(exact).toContain('Queja número 3')
    expect(exact).toContain('"count":1')
  })

  it('keeps the first publication, whatever the threshold asked later', async () => {
    const first = await publishedResults(database.db, pollId, { now: AFTER })
    const later = await publishedResults(database.db, pollId, { now: new Date('2027-01-01T00:00:00Z'), minCell: 3 })
    expect(later).toEqual(first)
  })

  it('publishes nothing of a poll that is still open', async () => {
    const open = await createPoll(database.db, samplePoll({ resultsVisibility: 'public' }), DURING)
    await expect(publishedResults(database.db, open.id, { now: AFTER })).rejects.toThrow(/published when it closes/)
  })
})
