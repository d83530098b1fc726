import { eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { type Role, auditLog, media } from '../../src/db/schema/index.js'
import { caseRow, fileCase, newContact, unitId } from '../cases/case-fixture.js'
import { storeMedia } from '../../src/media/store-media.js'
import { CaseDetailSchema } from '../../src/api/case-schemas.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

const now = new Date('2026-11-25T15:00:00Z')

type Call = { name: string; method: 'GET' | 'POST'; path: (code: string) => string; body?: (ids: { ixil: string }) => unknown }

/** Every case endpoint, with a body that would succeed for a token allowed to make the call. */
const endpoints: Call[] = [
  { name: 'list', method: 'GET', path: () => '/api/v1/cases' },
  { name: 'get', method: 'GET', path: (code) => `/api/v1/cases/${code}` },
  { name: 'transition', method: 'POST', path: (code) => `/api/v1/cases/${code}/transition`, body: () => ({ to: 'acknowledged' }) },
  { name: 'comment', method: 'POST', path: (code) => `/api/v1/cases/${code}/comments`, body: () => ({ note: 'Revisando', public: false }) },
  { name: 'contact', method: 'GET', path: (code) => `/api/v1/cases/${code}/contact` },
  // last: once reassigned, the case is no longer the first unit's
  { name: 'reassign', method: 'POST', path: (code) => `/api/v1/cases/${code}/reassign`, body: ({ ixil }) => ({ unitId: ixil, note: 'Es de Ixil' }) },
]

describe.each(databaseKinds)('the case endpoints on %s', (kind) => {
  let database: Database
  let composed: Composed
  let norOccidente: string
  let ixil: string
  const tokens = {} as Record<'admin' | 'ours' | 'theirs' | 'observatory' | 'partner', string>

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database, () => now)
    norOccidente = await unitId(database, 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')
    ixil = await unitId(database, 'MSPAS-DAS-IXIL')
    const token = async (name: string, role: Role, unitIds: string[] = []) => (await createToken(database.db, { name, role, unitIds })).token
    tokens.admin = await token('admin', 'admin')
    tokens.ours = await token('das-nor-occidente', 'institution', [norOccidente])
    tokens.theirs = await token('das-ixil', 'institution', [ixil])
    tokens.observatory = await token('observatorio', 'observatory')
    tokens.partner = await token('partner', 'partner')
  })
  afterAll(async () => {
    await database.close()
  })

  const call = (token: string, method: 'GET' | 'POST', path: string, body?: unknown) =>
    composed.app.request(path, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const namedCase = async (address: string) => {
    const contact = await newContact(database, address)
    return (await fileCase(database, { now, contactId: contact.id })).code
  }

  it.each(['observatory', 'partner'] as const)('refuses every case endpoint to an %s token', async (role) => {
    const code = await namedCase(`chat-${role}`)
    for (const endpoint of endpoints) {
      const response = await call(tokens[role], endpoint.method, endpoint.path(code), endpoint.body?.({ ixil }))
      expect(response.status, endpoint.name).toBe(403)
    }
    const move = await call(tokens[role], 'POST', '/api/v1/cases/bulk-move', { fromUnitId: norOccidente, toUnitId: ixil, note: 'x' })
    expect(move.status).toBe(403)
  })

  it("neither shows nor lets an institution touch another unit's case", async () => {
    const code = await namedCase('chat-cross')
    for (const endpoint of endpoints.filter((e) => e.name !== 'list')) {
      const response = await call(tokens.theirs, endpoint.method, endpoint.path(code), endpoint.body?.({ ixil }))
      expect(response.status, endpoint.name).toBe(404)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
    }
    const list = (await (await call(tokens.theirs, 'GET', '/api/v1/cases')).json()) as { items: { code: string }[] }
    expect(list.items.map((item) => item.code)).not.toContain(code)
    const filtered = (await (await call(tokens.theirs, 'GET', `/api/v1/cases?unitId=${norOccidente}`)).json()) as { items: unknown[] }
    expect(filtered.items).toEqual([])
    const move = await call(tokens.theirs, 'POST', '/api/v1/cases/bulk-move', { fromUnitId: norOccidente, toUnitId: ixil, note: 'x' })
    expect(move.status).toBe(403)
    expect((await caseRow(database, code)).status).toBe('routed')
  })

  it.each(['ours', 'admin'] as const)('lets the %s token read and work the case through every endpoint', async (who) => {
    const code = await namedCase(`chat-${who}`)
    for (const endpoint of endpoints) {
      const response = await call(tokens[who], endpoint.method, endpoint.path(code), endpoint.body?.({ ixil }))
      expect(response.status, `${endpoint.name}: ${await response.clone().text()}`).toBeLessThan(300)
    }
    expect(await caseRow(database, code)).toMatchObject({ status: 'routed', unitId: ixil })
  })

  it('returns the case with its events and answers an illegal transition with 409', async () => {
    const code = await namedCase('chat-events')
    await call(tokens.ours, 'POST', `/api/v1/cases/${code}/transition`, { to: 'resolved', note: 'Entregado' })
    const illegal = await call(tokens.ours, 'POST', `/api/v1/cases/${code}/transition`, { to: 'in_progress' })
    expect(illegal.status).toBe(409)
    expect(await illegal.json()).toMatchObject({ detail: 'a case that is resolved cannot become in_progress; from resolved it can become: reopened' })
    const reopened = await call(tokens.ours, 'POST', `/api/v1/cases/${code}/transition`, { to: 'reopened' })
    expect(reopened.status).toBe(200)
    const rejectWithoutReason = await call(tokens.ours, 'POST', `/api/v1/cases/${code}/transition`, { to: 'rejected' })
    expect(rejectWithoutReason.status).toBe(422)

    const detail = (await (await call(tokens.ours, 'GET', `/api/v1/cases/${code}`)).json()) as { events: { type: string; actor: string }[] }
    expect(detail.events.map((e) => e.type)).toEqual(['created', 'routed', 'resolved', 'reopened'])
    expect(detail.events.at(-1)?.actor).toBe('token:das-nor-occidente')
    const audit = await database.db.select().from(auditLog).where(eq(auditLog.entityId, code))
    expect(audit.map((entry) => entry.action)).toEqual(['transition', 'transition'])
  })

  it('lists the evidence of a case in its detail, each file with the path that downloads it, to its unit only', async () => {
    const photo = await storeMedia(database.db, { channel: 'telegram', kind: 'image', mimeType: 'image/jpeg', content: Buffer.from('a photo'), maxBytes: 1000 })
    const note = await storeMedia(database.db, { channel: 'telegram', kind: 'voice', mimeType: 'audio/ogg', content: Buffer.from('a voice note'), maxBytes: 1000 })
    // arrived a second later: two files stored in the same millisecond have no order of their own
    await database.db.update(media).set({ createdAt: new Date(Date.now() + 1000) }).where(eq(media.id, note.id))
    const contact = await newContact(database, 'chat-evidence')
    const { code } = await fileCase(database, { now, contactId: contact.id, draft: { evidence: [photo.id, note.id] } })
    const plain = await namedCase('chat-no-evidence')

    const response = await call(tokens.ours, 'GET', `/api/v1/cases/${code}`)
    const detail = CaseDetailSchema.parse(await response.json())
    expect(detail.evidence).toEqual([photo, note].map((file) => ({
      id: file.id,
      kind: file.kind,
      mimeType: file.mimeType,
      size: file.size,
      sha256: file.sha256,
      receivedAt: expect.any(String),
      path: `/api/v1/cases/${code}/evidence/${file.id}`,
    })))
    const download = await call(tokens.ours, 'GET', detail.evidence[0]?.path ?? '')
    expect(download.status).toBe(200)
    expect(Buffer.from(await download.arrayBuffer()).toString()).toBe('a photo')

    expect(CaseDetailSchema.parse(await (await call(tokens.admin, 'GET', `/api/v1/cases/${plain}`)).json()).evidence).toEqual([])
    const elsewhere = await call(tokens.theirs, 'GET', `/api/v1/cases/${code}`)
    expect(elsewhere.status).toBe(404)
    expect(await elsewhere.text()).not.toContain(photo.sha256)
  })

  it("gives a named case's contact to its unit, and never a confidential or anonymous one's", async () => {
    const named = await namedCase('chat-named-contact')
    const response = await call(tokens.ours, 'GET', `/api/v1/cases/${named}/contact`)
    expect(await response.json()).toEqual({ code: named, channel: 'telegram', address: 'chat-named-contact', displayName: null })

    for (const identity of ['confidential', 'anonymous'] as const) {
      const contact = await newContact(database, `chat-${identity}-contact`)
      const { code } = await fileCase(database, { now, contactId: contact.id, draft: { identity } })
      const refused = await call(tokens.admin, 'GET', `/api/v1/cases/${code}/contact`)
      expect(refused.status).toBe(403)
      expect(await refused.text()).not.toContain(`chat-${identity}-contact`)
    }
  })

  it("moves a unit's open cases in bulk and leaves closed ones with it", async () => {
    const open = await namedCase('chat-bulk-open')
    const closed = await namedCase('chat-bulk-closed')
    await call(tokens.admin, 'POST', `/api/v1/cases/${closed}/transition`, { to: 'rejected', note: 'Duplicado' })
    const response = await call(tokens.ours, 'POST', '/api/v1/cases/bulk-move', { fromUnitId: norOccidente, toUnitId: ixil, note: 'Cambio de autoridades' })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { moved: number }).moved).toBeGreaterThanOrEqual(1)
    expect((await caseRow(database, open)).unitId).toBe(ixil)
    expect((await caseRow(database, closed)).unitId).toBe(norOccidente)
  })
})
