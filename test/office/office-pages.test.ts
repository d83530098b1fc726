import { createHash } from 'node:crypto'
import { and, eq } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { auditLog, caseEvents, cases, media, staffSubscriptions } from '../../src/db/schema/index.js'
import { caseRow, fileCase, newContact, unitId } from '../cases/case-fixture.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { tinyPng } from '../support/tiny-png.js'
import { hiddenField, officeClient, signIn } from './office-client.js'

const HOUR = 3_600_000

describe.each(databaseKinds)('the back office pages on %s', (kind) => {
  let database: Database
  let composed: Composed
  let norOccidente: string
  let ixil: string
  let officerToken: string
  const codes = { old: '', named: '', confidential: '' }

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
    norOccidente = await unitId(database, 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')
    ixil = await unitId(database, 'MSPAS-DAS-IXIL')
    officerToken = (await createToken(database.db, { name: 'Ana López', role: 'institution', unitIds: [norOccidente] })).token
    const citizen = await newContact(database, '50255551234', 'es', 'telegram')
    const now = Date.now()
    codes.old = (await fileCase(database, { now: new Date(now - 30 * 24 * HOUR), draft: { description: 'Faltan vacunas en el puesto.' } })).code
    codes.named = (await fileCase(database, { now: new Date(now - 2 * HOUR), contactId: citizen.id, draft: { description: 'No hay amoxicilina, llame al 5555-1234.', identity: 'named' } })).code
    codes.confidential = (await fileCase(database, { now: new Date(now - HOUR), draft: { description: 'Cobran por la consulta.', identity: 'confidential' } })).code
    // overdue: its deadline passed
    await database.db.update(cases).set({ dueAt: new Date(now - HOUR) }).where(eq(cases.code, codes.old))
    const row = await caseRow(database, codes.named)
    const png = tinyPng(4, 3)
    await database.db.insert(media).values({ channel: 'telegram', kind: 'image', mimeType: 'image/png', size: png.length, sha256: createHash('sha256').update(png).digest('hex'), content: png, caseId: row.id })
  })
  afterAll(async () => {
    await database.close()
  })

  async function officer() {
    const client = officeClient(composed.app)
    expect((await signIn(client, 'token', officerToken)).status).toBe(303)
    return client
  }
  const csrfOf = async (client: ReturnType<typeof officeClient>, path: string) => hiddenField(await (await client.get(path)).text(), '_csrf')

  it('lists the unit’s cases with counts by status, the overdue one first, and filters them as the API does', async () => {
    const client = await officer()
    const inbox = await (await client.get('/oficina')).text()
    expect(inbox).toContain('<html lang="es">')
    expect(inbox).toMatch(/<span class="n">3<\/span> enviado a la institución/)
    const attention = inbox.slice(inbox.indexOf('id="attention-title"'), inbox.indexOf('id="cases-title"'))
    expect(attention).toContain(codes.old)
    expect(attention).not.toContain(codes.confidential)
    // a search reads the masked text: the phone number the mask hides finds nothing
    expect(await (await client.get('/oficina?q=amoxicilina')).text()).toContain(codes.named)
    const byPhone = await (await client.get('/oficina?q=5555')).text()
    expect(byPhone).not.toContain(codes.named)
    const overdue = await (await client.get('/oficina?overdue=true&status=&q=')).text()
    expect(overdue).toContain(codes.old)
    expect(overdue).not.toContain(codes.confidential)
    const bad = await client.get('/oficina?department=Guatemala')
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('department')
  })

  it('marks a case whose account is a voice note, and filters them', async () => {
    await database.db.update(cases).set({ needsListening: true }).where(eq(cases.code, codes.old))
    const client = await officer()
    const listening = await (await client.get('/oficina?needsListening=true')).text()
    const list = listening.slice(listening.indexOf('id="cases-title"'))
    expect(list).toContain(codes.old)
    expect(list).not.toContain(codes.named)
    expect(list).toContain('<span class="badge listen">escuchar</span>')
    expect(await (await client.get(`/oficina/casos/${codes.old}`)).text()).toContain('El relato es una nota de voz')
  })

  it('pages through the list and shows only the cases assigned to me when asked', async () => {
    const client = await officer()
    const first = await (await client.get('/oficina?limit=1&status=routed')).text()
    expect(first).toContain(codes.confidential)
    const next = /<a href="([^"]+)" rel="next">/.exec(first)?.[1]?.replaceAll('&amp;', '&')
    if (!next) throw new Error('no link to the next page')
    const second = await (await client.get(next)).text()
    expect(second).toContain(codes.named)
    expect(second).not.toContain(codes.confidential)
    const csrf = await csrfOf(client, `/oficina/casos/${codes.confidential}`)
    const assigned = await client.post(`/oficina/casos/${codes.confidential}/asignar`, { _csrf: csrf, assignee: 'token:Ana López' })
    expect(assigned.headers.get('location')).toBe(`/oficina/casos/${codes.confidential}?hecho=asignar`)
    const mine = await (await client.get('/oficina?mine=1')).text()
    expect(mine).toContain(codes.confidential)
    expect(mine.slice(mine.indexOf('id="cases-title"'))).not.toContain(codes.named)
  })

  it('shows the case masked with its photo inline, served through the audited download', async () => {
    const client = await officer()
    const page = await (await client.get(`/oficina/casos/${codes.named}`)).text()
    expect(page).toContain('No hay amoxicilina, llame al [teléfono].')
    expect(page).not.toContain('5555-1234')
    const src = /<img src="([^"]+)"/.exec(page)?.[1]
    if (!src) throw new Error('no image on the page')
    const file = await client.get(src)
    expect(file.status).toBe(200)
    expect(file.headers.get('content-type')).toBe('image/png')
    expect(file.headers.get('x-content-type-options')).toBe('nosniff')
    const downloads = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'download'), eq(auditLog.actor, 'token:Ana López')))
    expect(downloads.length).toBe(1)
  })

  it('keeps public notes apart from internal ones, and resolves with a public note', async () => {
    const client = await officer()
    const path = `/oficina/casos/${codes.named}`
    await client.post(`${path}/nota`, { _csrf: await csrfOf(client, path), note: 'Llamar a bodega central', public: '' })
    await client.post(`${path}/nota`, { _csrf: await csrfOf(client, path), note: 'Estamos pidiendo el medicamento', public: '1' })
    const page = await (await client.get(path)).text()
    const publicPart = page.slice(page.indexOf('id="public-notes"'), page.indexOf('id="internal-notes"'))
    const internalPart = page.slice(page.indexOf('id="internal-notes"'), page.indexOf('id="history-title"'))
    expect(publicPart).toContain('Estamos pidiendo el medicamento')
    expect(publicPart).not.toContain('Llamar a bodega central')
    expect(internalPart).toContain('Llamar a bodega central')

    const resolved = await client.post(`${path}/estado`, { _csrf: await csrfOf(client, path), to: 'resolved', public: '1', note: 'Ya llegó la amoxicilina' })
    expect(resolved.status).toBe(303)
    expect((await caseRow(database, codes.named)).status).toBe('resolved')
    const events = await database.db.select().from(caseEvents).where(eq(caseEvents.type, 'resolved'))
    expect(events.map((event) => [event.actor, event.note, event.public])).toContainEqual(['token:Ana López', 'Ya llegó la amoxicilina', true])
    // a rejection needs its reason; a closed case may not be resolved again
    const again = await client.post(`${path}/estado`, { _csrf: await csrfOf(client, path), to: 'resolved', public: '1' })
    expect(again.headers.get('location')).toBe(`${path}?error=transicion`)
    expect(await (await client.get(`${path}?error=transicion`)).text()).toContain('ese cambio no es posible')
  })

  it('reassigns within the institution only', async () => {
    const client = await officer()
    const path = `/oficina/casos/${codes.confidential}`
    const page = await (await client.get(path)).text()
    expect(page).toContain(`value="${ixil}"`)
    const mineduc = await unitId(database, 'MINEDUC-CENTRAL')
    expect(page).not.toContain(`value="${mineduc}"`)
    const refused = await client.post(`${path}/trasladar`, { _csrf: hiddenField(page, '_csrf'), unitId: mineduc, note: 'no es nuestro' })
    expect(refused.headers.get('location')).toBe(`${path}?error=permiso`)
    const moved = await client.post(`${path}/trasladar`, { _csrf: hiddenField(page, '_csrf'), unitId: ixil, note: 'es del área Ixil' })
    expect(moved.headers.get('location')).toBe(`${path}?hecho=trasladar`)
    expect((await caseRow(database, codes.confidential)).unitId).toBe(ixil)
    // now another unit's: not found
    expect((await client.get(path)).status).toBe(404)
  })

  it("shows the citizen's contact only where they consented, after a warning, and audits it", async () => {
    const client = await officer()
    const path = `/oficina/casos/${codes.named}`
    const page = await (await client.get(path)).text()
    expect(page).not.toContain('50255551234')
    const warning = await (await client.get(`${path}/contacto`)).text()
    expect(warning).toContain('represalias')
    expect(warning).not.toContain('50255551234')
    const shown = await client.post(`${path}/contacto`, { _csrf: hiddenField(warning, '_csrf') })
    expect(shown.status).toBe(200)
    expect(await shown.text()).toContain('50255551234')
    const reads = await database.db.select().from(auditLog).where(and(eq(auditLog.action, 'read-contact'), eq(auditLog.entityId, codes.named)))
    expect(reads.length).toBe(1)

    // a confidential case whose citizen did not agree offers nothing, and a forced request is refused
    const confidential = (await fileCase(database, { now: new Date(), draft: { identity: 'confidential' } })).code
    const quiet = await (await client.get(`/oficina/casos/${confidential}`)).text()
    expect(quiet).not.toContain('/contacto')
    const forced = await client.post(`/oficina/casos/${confidential}/contacto`, { _csrf: hiddenField(quiet, '_csrf') })
    expect(forced.status).toBe(403)
  })

  it('speaks English when asked, and keeps it in a cookie', async () => {
    const client = await officer()
    const inbox = await (await client.get('/oficina?lang=en')).text()
    expect(inbox).toContain('<html lang="en">')
    expect(inbox).toContain('Inbox')
    expect(await (await client.get('/oficina')).text()).toContain('<html lang="en">')
    expect(await (await client.get('/oficina?lang=es')).text()).toContain('Bandeja')
  })

  it('works for a staff chat with the units it is linked to', async () => {
    const staff = await newContact(database, 'staff-pages-1')
    await database.db.insert(staffSubscriptions).values({ contactId: staff.id, unitId: ixil })
    const { createSignInCode } = await import('../../src/office/sign-in-codes.js')
    const { code } = await createSignInCode(database.db, { contactId: staff.id, now: new Date() })
    const client = officeClient(composed.app)
    expect((await signIn(client, 'code', code)).status).toBe(303)
    const inbox = await (await client.get('/oficina')).text()
    expect(inbox).toContain(codes.confidential)
    expect(inbox).not.toContain(codes.old)
    const path = `/oficina/casos/${codes.confidential}`
    const ack = await client.post(`${path}/estado`, { _csrf: await csrfOf(client, path), to: 'acknowledged', public: '1' })
    expect(ack.headers.get('location')).toBe(`${path}?hecho=estado`)
    const [event] = await database.db.select().from(caseEvents).where(and(eq(caseEvents.type, 'acknowledged'), eq(caseEvents.actor, `staff:${staff.id}`)))
    expect(event).toBeDefined()
  })
})
