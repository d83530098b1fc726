import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../../src/auth/tokens.js'
import type { Composed } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import type { IdentityMode } from '../../../src/db/schema/index.js'
import { fileCase, newContact, unitId } from '../../cases/case-fixture.js'
import { apiRequest } from '../../support/api-request.js'
import { testApp } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'

const now = new Date('2026-11-25T15:00:00Z')

/**
 * A confidential citizen's answer to "may news come to this chat?" is theirs: an institution that
 * could read it from the API's answers would learn who is watching their case (and, for an
 * anonymous case, that no one can be told).
 */
describe.each(databaseKinds)('what staff learn from answers to their case actions on %s', (kind) => {
  let database: Database
  let composed: Composed
  let token = ''
  let elsewhere = ''

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database, () => now)
    const ours = await unitId(database, 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')
    elsewhere = await unitId(database, 'MSPAS-DAS-GUATEMALA-SUR')
    token = (await createToken(database.db, { name: 'das-nor-occidente', role: 'institution', unitIds: [ours] })).token
  })
  afterAll(async () => {
    await database.close()
  })

  /** The same public action on cases that differ only in the citizen's choices, answers with the code blanked. */
  async function answersFor(action: (code: string) => Promise<Response>) {
    const answers: unknown[] = []
    const citizens: [IdentityMode, boolean][] = [
      ['confidential', true],
      ['confidential', false],
      ['anonymous', false],
    ]
    for (const [index, [identity, followUps]] of citizens.entries()) {
      const contact = identity === 'anonymous' ? null : await newContact(database, `attack-follow-ups-${kind}-${answers.length}-${index}-${Math.random()}`)
      const { code } = await fileCase(database, { now, contactId: contact?.id ?? null, draft: { identity, followUps } })
      const response = await action(code)
      expect(response.status).toBeLessThan(300)
      answers.push(JSON.parse((await response.text()).replaceAll(code, 'CODE')))
    }
    return answers
  }

  it.each([
    ['a public transition', (code: string) => ({ path: `/api/v1/cases/${code}/transition`, body: { to: 'acknowledged', note: 'Recibido', public: true } })],
    ['a public comment', (code: string) => ({ path: `/api/v1/cases/${code}/comments`, body: { note: 'Estamos revisando', public: true } })],
    ['a public reassignment', (code: string) => ({ path: `/api/v1/cases/${code}/reassign`, body: { unitId: elsewhere, note: 'Corresponde al sur', public: true } })],
  ])('gives the same answer to %s whether the citizen chose follow-ups or not', async (_name, request) => {
    const answers = await answersFor((code) => {
      const { path, body } = request(code)
      return apiRequest(composed.app, 'POST', path, token, body)
    })
    for (const answer of answers) expect(answer).not.toHaveProperty('notified')
    expect(answers[1]).toEqual(answers[0])
    expect(answers[2]).toEqual(answers[0])
  })
})
