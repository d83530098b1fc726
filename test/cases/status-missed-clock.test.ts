import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { escalationJob } from '../../src/cases/escalate-overdue.js'
import { type CaseLookup, lookupCase } from '../../src/cases/lookup-case.js'
import { transitionCase } from '../../src/cases/transition-case.js'
import type { Database } from '../../src/db/client.js'
import { seedDatabase } from '../../src/db/seed/load-seed.js'
import { runJobOnce } from '../../src/jobs/run-job-once.js'
import { chat } from '../engine/chat.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { fileCase } from './case-fixture.js'

const filed = new Date('2026-11-25T15:00:00Z')
const hours = (n: number) => new Date(filed.getTime() + n * 3_600_000)

/** What the citizen reads after "estado CODE" for a lookup result, in a language. */
function statusReport(lookup: CaseLookup, locale: 'es' | 'en'): string[] {
  const talk = chat({ locale, flow: 'status' })
  talk.send(lookup.found ? lookup.code : 'ZZZZZ-ZZZZZ')
  return talk.texts(talk.feed('case.lookup', lookup))
}

describe.each(databaseKinds)('the status of an escalated case on %s', (kind) => {
  let database: Database
  beforeAll(async () => {
    database = await freshDatabase(kind)
    await seedDatabase(database.db)
  })
  afterAll(async () => {
    await database.close()
  })

  it('tells the citizen the office did not acknowledge the case in time when the first-response deadline passed', async () => {
    const { code } = await fileCase(database, { now: filed })
    await runJobOnce(database.db, escalationJob(), hours(24.1))
    const lookup = await lookupCase(database.db, code)
    expect(lookup).toMatchObject({ found: true, status: 'escalated', missedClock: 'first_response' })
    const [es] = statusReport(lookup, 'es')
    expect(es).toContain(`Caso ${code}: escalado. La oficina no acusó recibo a tiempo`)
    expect(es).toContain('Ministerio de Salud')
    expect(statusReport(lookup, 'en')[0]).toContain('The office did not acknowledge it in time')
  })

  it('tells the citizen the case was not resolved in time when an acknowledged case passed its resolution deadline', async () => {
    const { code } = await fileCase(database, { now: hours(1) })
    await database.db.transaction((tx) => transitionCase(tx, { code, to: 'acknowledged', actor: 'token:Ana', scope: null, now: hours(2) }))
    await runJobOnce(database.db, escalationJob(), hours(73.1))
    const lookup = await lookupCase(database.db, code)
    expect(lookup).toMatchObject({ found: true, status: 'escalated', missedClock: 'resolution' })
    const [es] = statusReport(lookup, 'es')
    expect(es).toContain(`Caso ${code}: escalado. No se resolvió a tiempo`)
    expect(es).not.toContain('acusó recibo')
    expect(statusReport(lookup, 'en')[0]).toContain('It was not resolved in time')
  })

  it('names no deadline for a case that is not escalated', async () => {
    const { code } = await fileCase(database, { now: hours(80) })
    const lookup = await lookupCase(database.db, code)
    expect(lookup).toMatchObject({ found: true, status: 'routed' })
    expect(lookup).not.toHaveProperty('missedClock')
  })
})
