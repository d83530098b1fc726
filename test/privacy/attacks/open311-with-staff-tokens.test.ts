import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../../src/auth/tokens.js'
import type { Composed } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { testApp } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { unitId } from '../../cases/case-fixture.js'

const FIELDS = { service_code: 'health.medicine_shortage', description: 'No hay vacunas.', 'attribute[municipality]': '0108' }

/**
 * Open311 keys are pasted into other civic tools' settings: only a partner token, which can do
 * nothing but file, belongs there. An admin or institution key used there would be spread into
 * tools the office does not run.
 */
describe.each(databaseKinds)('filing an Open311 request on %s', (kind) => {
  let database: Database
  let composed: Composed
  const keys: Record<'admin' | 'institution' | 'partner', string> = { admin: '', institution: '', partner: '' }

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
    keys.admin = (await createToken(database.db, { name: 'admin', role: 'admin', unitIds: [] })).token
    const unit = await unitId(database, 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')
    keys.institution = (await createToken(database.db, { name: 'das', role: 'institution', unitIds: [unit] })).token
    keys.partner = (await createToken(database.db, { name: 'civic-app', role: 'partner', unitIds: [] })).token
  })
  afterAll(async () => {
    await database.close()
  })

  const post = (fields: Record<string, string>, path = '/open311/v2/requests.json', headers: Record<string, string> = {}) =>
    composed.app.request(path, { method: 'POST', body: new URLSearchParams(fields), headers })

  it.each(['admin', 'institution'] as const)('refuses an %s token as api_key with 403', async (role) => {
    const response = await post({ ...FIELDS, api_key: keys[role] })
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual([{ code: 403, description: expect.stringContaining('partner') }])
  })

  it('files with a partner token, given in the form body, the query string, X-Api-Key or a bearer header', async () => {
    const answers = [
      await post({ ...FIELDS, api_key: keys.partner }),
      await post(FIELDS, `/open311/v2/requests.json?api_key=${keys.partner}`),
      await post(FIELDS, undefined, { 'x-api-key': keys.partner }),
      await post(FIELDS, undefined, { authorization: `Bearer ${keys.partner}` }),
    ]
    for (const answer of answers) {
      expect(answer.status).toBe(200)
      expect(await answer.json()).toEqual([expect.objectContaining({ service_request_id: expect.any(String) })])
    }
  })
})
