import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { type IdentityMode, caseEvents, outbox, staffSubscriptions } from '../../src/db/schema/index.js'
import { releaseContact } from '../../src/privacy/release-contact.js'
import { caseRow, fileCase, newContact, unitId } from '../cases/case-fixture.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const now = new Date('2026-11-25T15:00:00Z')
const PHONE = '5555-1234'
const EMAIL = 'marta.lopez@gmail.com'
const DPI = '2345 67890 0101'
const DESCRIPTION = `El director me negó la consulta. Llámeme al ${PHONE} o escriba a ${EMAIL}; mi DPI es ${DPI}.`
const FACILITY = `Puesto de salud (tel. 7766 1234)`
const SECRETS = [PHONE, EMAIL, DPI, '7766 1234']

describe.each(databaseKinds)('identity modes on %s', (kind) => {
  let database: Database
  let composed: Composed
  const tokens = { admin: '', ours: '' }
  let staffAddress = ''

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database, () => now)
    const norOccidente = await unitId(database, 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')
    tokens.admin = (await createToken(database.db, { name: 'admin', role: 'admin', unitIds: [] })).token
    tokens.ours = (await createToken(database.db, { name: 'das', role: 'institution', unitIds: [norOccidente] })).token
    const staff = await newContact(database, 'staff-chat-1')
    staffAddress = staff.channelUserId
    await database.db.insert(staffSubscriptions).values({ contactId: staff.id, unitId: norOccidente })
  })
  afterAll(async () => {
    await database.close()
  })

  const get = async (token: string, path: string) => {
    const response = await composed.app.request(path, { headers: { authorization: `Bearer ${token}` } })
    return { status: response.status, text: await response.text() }
  }
  const file = async (identity: IdentityMode, address: string) => {
    const contact = await newContact(database, address)
    const { code, row } = await fileCase(database, { now, contactId: contact.id, draft: { identity, description: DESCRIPTION, facility: FACILITY } })
    return { code, row, contact }
  }

  it.each(['named', 'confidential', 'anonymous'] as const)('shows institutions no personal data in the text of a %s case, and no contact', async (mode) => {
    const { code, contact } = await file(mode, `citizen-inst-${mode}`)
    const detail = await get(tokens.ours, `/api/v1/cases/${code}`)
    expect(detail.status).toBe(200)
    for (const secret of [...SECRETS, contact.channelUserId, contact.id]) expect(detail.text).not.toContain(secret)
    expect(detail.text).toContain('[teléfono]')
    const list = await get(tokens.ours, '/api/v1/cases')
    for (const secret of [...SECRETS, contact.channelUserId, contact.id]) expect(list.text).not.toContain(secret)
  })

  it.each([
    ['named', true],
    ['confidential', true],
    ['anonymous', false],
  ] as const)('shows admins the original text of a %s case: %s', async (mode, original) => {
    const { code, row } = await file(mode, `citizen-admin-${mode}`)
    const detail = await get(tokens.admin, `/api/v1/cases/${code}`)
    expect(detail.text.includes(PHONE)).toBe(original)
    // an anonymous case kept no personal data from the start
    expect(row.description.includes(PHONE)).toBe(original)
    expect(row.contactId === null).toBe(mode === 'anonymous')
  })

  it('names the citizen of a confidential case by a per-case pseudonym, in the case and the list', async () => {
    const first = await file('confidential', 'citizen-pseudo-1')
    const second = await fileCase(database, { now, contactId: first.contact.id, draft: { identity: 'confidential' } })
    expect(first.row.pseudonym).toMatch(/^Ciudadano\/a [0-9A-HJKMNP-TV-Z]{4}$/)
    expect(second.row.pseudonym).toMatch(/^Ciudadano\/a [0-9A-HJKMNP-TV-Z]{4}$/)
    const detail = JSON.parse((await get(tokens.ours, `/api/v1/cases/${first.code}`)).text) as { pseudonym: string | null }
    expect(detail.pseudonym).toBe(first.row.pseudonym)
    const list = JSON.parse((await get(tokens.ours, '/api/v1/cases?limit=200')).text) as { items: { code: string; pseudonym: string | null }[] }
    expect(list.items.find((item) => item.code === first.code)?.pseudonym).toBe(first.row.pseudonym)
    const named = await file('named', 'citizen-pseudo-named')
    expect(named.row.pseudonym).toBeNull()
  })

  it.each([
    ['named', 200],
    ['confidential', 403],
    ['anonymous', 403],
  ] as const)("gives a %s case's contact to its unit with status %i", async (mode, status) => {
    const { code } = await file(mode, `citizen-contact-${mode}`)
    expect((await get(tokens.ours, `/api/v1/cases/${code}/contact`)).status).toBe(status)
  })

  it("answers a named web chat case's contact with 409: only the chat itself reaches that citizen", async () => {
    const contact = await newContact(database, 'wc1.a-keyed-hash-of-the-conversation', 'es', 'webchat')
    const { code } = await fileCase(database, { now, contactId: contact.id, draft: { identity: 'named' } })
    const answer = await get(tokens.ours, `/api/v1/cases/${code}/contact`)
    expect(answer.status).toBe(409)
    expect(answer.text).toMatch(/no way to reach that citizen except the chat itself/)
    expect(answer.text).not.toContain(contact.channelUserId)
  })

  it('releases the contact of a confidential case once its citizen agrees, recording the consent', async () => {
    const { code, contact } = await file('confidential', 'citizen-release')
    const stranger = await newContact(database, 'citizen-stranger')
    expect(await database.db.transaction((tx) => releaseContact(tx, code, stranger.id, now))).toEqual({ outcome: 'notYours', code })
    expect((await get(tokens.ours, `/api/v1/cases/${code}/contact`)).status).toBe(403)

    expect(await database.db.transaction((tx) => releaseContact(tx, code, contact.id, now))).toEqual({ outcome: 'ok', code })
    const released = await get(tokens.ours, `/api/v1/cases/${code}/contact`)
    expect(released.status).toBe(200)
    expect(released.text).toContain('citizen-release')
    const { id } = await caseRow(database, code)
    const events = await database.db.select().from(caseEvents).where(eq(caseEvents.caseId, id))
    expect(events.filter((event) => event.type === 'contact.released')).toMatchObject([{ actor: 'citizen', public: false }])
  })

  it('refuses to release a named case as if it were confidential', async () => {
    const { code, contact } = await file('named', 'citizen-release-named')
    expect(await database.db.transaction((tx) => releaseContact(tx, code, contact.id, now))).toEqual({ outcome: 'notConfidential', code })
  })

  it.each(['named', 'confidential', 'anonymous'] as const)('alerts staff of a new %s case without its text or its citizen', async (mode) => {
    const { code, contact } = await file(mode, `citizen-alert-${mode}`)
    const alerts = (await database.db.select().from(outbox).where(eq(outbox.address, staffAddress))).map((row) => JSON.stringify(row.body))
    const alert = alerts.find((text) => text.includes(code))
    expect(alert).toBeDefined()
    for (const secret of [...SECRETS, 'negó la consulta', contact.channelUserId]) expect(alert).not.toContain(secret)
  })

  it.each(['named', 'confidential', 'anonymous'] as const)('keeps a chat case (%s) and its text out of the Open311 feed', async (mode) => {
    const { code } = await file(mode, `citizen-open311-${mode}`)
    const feed = await (await composed.app.request('/open311/v2/requests.json')).text()
    expect(feed).not.toContain(code)
    for (const secret of [...SECRETS, 'negó la consulta']) expect(feed).not.toContain(secret)
  })

  it('stores an Open311 request, which is anonymous, with its personal data already masked', async () => {
    const partner = (await createToken(database.db, { name: 'socio', role: 'partner' })).token
    const response = await composed.app.request('/open311/v2/requests.json', {
      method: 'POST',
      body: new URLSearchParams({ api_key: partner, service_code: 'health.medicine_shortage', description: DESCRIPTION, 'attribute[municipality]': '0108' }),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(response.status).toBeLessThan(300)
    const [created] = (await response.json()) as { service_request_id: string }[]
    const feed = await (await composed.app.request('/open311/v2/requests.json')).text()
    for (const secret of SECRETS) expect(feed).not.toContain(secret)
    const detail = await get(tokens.admin, `/api/v1/cases/${created?.service_request_id ?? ''}`)
    expect(detail.status).toBe(200)
    for (const secret of SECRETS) expect(detail.text).not.toContain(secret)
  })
})
