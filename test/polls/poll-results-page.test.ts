import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { AFTER, sampleBallot, seedClosedPoll } from './seed-poll.js'

describe.each(databaseKinds)('the public results page, on %s', (kind) => {
  let database: Database
  let app: Composed
  let publicPoll: string
  let groupPoll: string

  beforeAll(async () => {
    database = await freshDatabase(kind)
    app = await testApp(database, () => AFTER)
    // six for health, one for school: the school count must be withheld, never drawn as 0
    const ballots = [...Array.from({ length: 6 }, () => sampleBallot('0108', 'health', 4)), sampleBallot('0108', 'school', 2)]
    publicPoll = (await seedClosedPoll(database.db, { resultsVisibility: 'public', title: { es: 'Obras <2027>' } }, ballots)).pollId
    groupPoll = (await seedClosedPoll(database.db, { resultsVisibility: 'group' }, ballots)).pollId
  })
  afterAll(async () => {
    await database.close()
  })

  it('shows a closed public poll as a page without script, withheld counts as such, with CSV and JSON links', async () => {
    const response = await app.app.request(`/api/v1/polls/${publicPoll}/public-results?format=html`)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'")
    const html = await response.text()
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">')
    expect(html).toContain('<h1>Obras &lt;2027&gt;</h1>')
    expect(html).not.toMatch(/<script|style="/)
    expect(html).toContain('<td>Falta de personal</td><td class="figure">7 (100%)</td><td class="bar"><meter min="0" max="1" value="1">100%</meter></td>')
    // one for school is under k, and six for health would give it away (7 - 6): both withheld, no bar
    expect(html).toContain('<td>Escuela</td><td class="figure"><span class="withheld">&lt;5</span></td><td class="bar"></td>')
    expect(html).toContain('<td>Salud</td><td class="figure"><span class="withheld">x</span></td><td class="bar"></td>')
    expect(html).toContain(`href="/api/v1/polls/${publicPoll}/public-results?locale=es&amp;format=csv"`)
    expect(html).not.toContain('Más médicos')
  })

  it('serves its stylesheet from the app, and hides polls whose results are not public', async () => {
    const css = await app.app.request('/api/v1/polls/results.css')
    expect(css.status).toBe(200)
    expect(css.headers.get('content-type')).toMatch(/^text\/css/)
    expect((await app.app.request(`/api/v1/polls/${groupPoll}/public-results?format=html`)).status).toBe(404)
  })
})
