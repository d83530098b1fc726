import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import { type Composed, compose } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { auditLog, officeSignInCodes } from '../../src/db/schema/index.js'
import { unitId } from '../cases/case-fixture.js'
import { webchatConversation } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { silentLogger } from '../support/tiny-engine.js'
import { officeClient, signIn } from './office-client.js'

const CODE = /\b[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}\b/

describe.each(databaseKinds)('oficina in a staff chat on %s', (kind) => {
  let database: Database
  let composed: Composed

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await compose({
      database,
      config: { SEED_FILE: './seed/directory.json', SESSION_TTL_MINUTES: 60, DEFAULT_LOCALE: 'es', OUTBOX_POLL_MS: 50, RETENTION_DAYS: 180, OFFICE_URL: 'https://dialogo.example.gt/' },
      logger: silentLogger,
    })
  })
  afterAll(async () => {
    await database.close()
  })

  it('answers a linked chat with a one-time link whose code opens the office once, and a citizen with only "not linked"', async () => {
    const admin = (await createToken(database.db, { name: 'admin', role: 'admin' })).token
    const response = await composed.app.request('/api/v1/staff/link-codes', {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ unitIds: [await unitId(database, 'MSPAS-DAS-IXIL')] }),
    })
    const staff = webchatConversation(composed.app, 'office-flow-staff')
    await staff.say(`vincular ${((await response.json()) as { code: string }).code}`)

    const citizen = webchatConversation(composed.app, 'office-flow-citizen')
    await citizen.say('oficina')
    expect(citizen.text()).toContain('no está vinculado')
    expect(citizen.text()).not.toMatch(CODE)

    await staff.say('Oficina')
    const link = /https:\/\/dialogo\.example\.gt\/oficina\/entrar\?codigo=([0-9A-Z-]+)/.exec(staff.text())
    if (!link?.[1]) throw new Error(`no link in: ${staff.text()}`)
    expect(staff.text()).toContain('10 minutos')
    // the code is kept only hashed, and the audit log has its making but not the code
    expect(JSON.stringify(await database.db.select().from(officeSignInCodes))).not.toContain(link[1])
    expect(JSON.stringify(await database.db.select().from(auditLog))).not.toContain(link[1])

    // opening the link (a preview fetching it) spends nothing; the button does
    const browser = officeClient(composed.app)
    expect(await (await browser.get(`/oficina/entrar?codigo=${link[1]}`)).text()).toContain(`value="${link[1]}"`)
    expect((await signIn(browser, 'code', link[1])).status).toBe(303)
    expect((await signIn(officeClient(composed.app), 'code', link[1])).status).toBe(401)

    // in English too, and a new code voids the one before
    await staff.say('idioma en')
    await staff.say('office')
    const first = CODE.exec(staff.text())?.[0]
    expect(staff.text()).toContain('works once')
    await staff.say('oficina')
    const second = CODE.exec(staff.text())?.[0]
    if (!first || !second) throw new Error('no codes')
    expect((await signIn(officeClient(composed.app), 'code', first)).status).toBe(401)
    expect((await signIn(officeClient(composed.app), 'code', second)).status).toBe(303)
  })
})
