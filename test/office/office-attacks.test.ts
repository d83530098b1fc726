import { eq } from 'drizzle-orm'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { auditLog, officeSessions, staffSubscriptions } from '../../src/db/schema/index.js'
import { createOfficeRoutes } from '../../src/office/office-routes.js'
import { createSignInCode } from '../../src/office/sign-in-codes.js'
import { silentLogger } from '../support/tiny-engine.js'
import { caseRow, fileCase, newContact, unitId } from '../cases/case-fixture.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { hiddenField, officeClient, signIn } from './office-client.js'

const INJECTION = 'Me dijeron <script>alert(1)</script> y <img src=x onerror="alert(2)"> en la farmacia'

describe.each(databaseKinds)('the back office against an attacker, on %s', (kind) => {
  let database: Database
  let composed: Composed
  let norOccidente: string
  let ixil: string
  let tokens: Record<'areaA' | 'areaB' | 'observatory' | 'admin', string>
  let caseCode: string

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
    norOccidente = await unitId(database, 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')
    ixil = await unitId(database, 'MSPAS-DAS-IXIL')
    tokens = {
      areaA: (await createToken(database.db, { name: 'Ana Nor Occidente', role: 'institution', unitIds: [norOccidente] })).token,
      areaB: (await createToken(database.db, { name: 'Beto Ixil', role: 'institution', unitIds: [ixil] })).token,
      observatory: (await createToken(database.db, { name: 'Observatorio', role: 'observatory' })).token,
      admin: (await createToken(database.db, { name: 'Admin', role: 'admin' })).token,
    }
    caseCode = (await fileCase(database, { now: new Date(), draft: { description: INJECTION, identity: 'confidential' } })).code
  })
  afterAll(async () => {
    await database.close()
  })

  async function signedIn(token: string) {
    const client = officeClient(composed.app)
    const answer = await signIn(client, 'token', token)
    expect(answer.status).toBe(303)
    expect(answer.headers.get('location')).toBe('/oficina')
    return client
  }

  it("answers a second unit's officer 404 for another unit's case, exactly as for a case that does not exist", async () => {
    const other = await signedIn(tokens.areaB)
    const missing = await other.get('/oficina/casos/ZZZZZ-ZZZZZ')
    const foreign = await other.get(`/oficina/casos/${caseCode}`)
    expect(foreign.status).toBe(404)
    expect(missing.status).toBe(404)
    // the same page but for the code asked for (it is in the language switch's address)
    expect((await foreign.text()).replaceAll(caseCode, 'CODE')).toBe((await missing.text()).replaceAll('ZZZZZ-ZZZZZ', 'CODE'))
    expect((await other.get(`/oficina/casos/${caseCode}/contacto`)).status).toBe(404)
    expect((await other.get(`/oficina/casos/${caseCode}/evidencia/0b7d6c1e-3f1a-4c2b-9a43-6f0e2d1c5a77`)).status).toBe(404)

    const inbox = await (await other.get('/oficina')).text()
    expect(inbox).not.toContain(caseCode)
    expect(await (await other.get(`/oficina?unitId=${norOccidente}`)).text()).not.toContain(caseCode)
    const csrf = hiddenField(inbox, '_csrf')
    const resolve = await other.post(`/oficina/casos/${caseCode}/estado`, { _csrf: csrf, to: 'resolved', public: '1', note: 'cerrado' })
    expect(resolve.status).toBe(404)
    expect((await caseRow(database, caseCode)).status).toBe('routed')
  })

  it('refuses a form without the CSRF token, with a wrong one, with another session’s, or from another site, and changes nothing', async () => {
    const officer = await signedIn(tokens.areaA)
    const other = await signedIn(tokens.areaB)
    const page = await (await officer.get(`/oficina/casos/${caseCode}`)).text()
    const csrf = hiddenField(page, '_csrf')
    const otherCsrf = hiddenField(await (await other.get('/oficina')).text(), '_csrf')
    const ack = { to: 'acknowledged', public: '1' }
    expect((await officer.post(`/oficina/casos/${caseCode}/estado`, ack)).status).toBe(403)
    expect((await officer.post(`/oficina/casos/${caseCode}/estado`, { ...ack, _csrf: 'x'.repeat(43) })).status).toBe(403)
    expect((await officer.post(`/oficina/casos/${caseCode}/estado`, { ...ack, _csrf: otherCsrf })).status).toBe(403)
    expect((await officer.post(`/oficina/casos/${caseCode}/estado`, { ...ack, _csrf: csrf }, { origin: 'https://evil.example' })).status).toBe(403)
    expect((await officer.post('/oficina/salir', {})).status).toBe(403)
    expect((await caseRow(database, caseCode)).status).toBe('routed')

    const done = await officer.post(`/oficina/casos/${caseCode}/estado`, { ...ack, _csrf: csrf }, { origin: 'http://localhost' })
    expect(done.status).toBe(303)
    expect(done.headers.get('location')).toBe(`/oficina/casos/${caseCode}?hecho=estado`)
    expect((await caseRow(database, caseCode)).status).toBe('acknowledged')
  })

  it('escapes HTML a citizen wrote, on the case page', async () => {
    const officer = await signedIn(tokens.areaA)
    const page = await (await officer.get(`/oficina/casos/${caseCode}`)).text()
    expect(page).not.toContain('<script>alert(1)</script>')
    expect(page).not.toContain('<img src=x')
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect(page).not.toMatch(/<script/i)
  })

  it('refuses an observatory token, a wrong token and a wrong code at sign-in, and opens no session', async () => {
    const before = (await database.db.select().from(officeSessions)).length
    for (const [field, value] of [['token', tokens.observatory], ['token', 'dlg_not-a-real-token-at-all-000000'], ['code', 'K7QM3-XHA2P']] as const) {
      const client = officeClient(composed.app)
      const answer = await signIn(client, field, value)
      expect(answer.status).toBe(401)
      expect(client.cookie('oficina_sesion')).toBeUndefined()
      expect((await client.get('/oficina')).headers.get('location')).toBe('/oficina/entrar')
    }
    expect((await database.db.select().from(officeSessions)).length).toBe(before)
  })

  it('refuses a sign-in posted without the sign-in form’s own token (login CSRF)', async () => {
    const client = officeClient(composed.app)
    await client.get('/oficina/entrar')
    expect((await client.post('/oficina/entrar', { token: tokens.areaA })).status).toBe(403)
    expect((await client.post('/oficina/entrar', { token: tokens.areaA, _form: 'guessed-guessed-guessed' })).status).toBe(403)
  })

  it('spends a staff chat code once: reused or expired it fails', async () => {
    const staff = await newContact(database, 'staff-attack-1')
    await database.db.insert(staffSubscriptions).values({ contactId: staff.id, unitId: norOccidente })
    const { code } = await createSignInCode(database.db, { contactId: staff.id, now: new Date() })
    const first = officeClient(composed.app)
    expect((await signIn(first, 'code', code)).status).toBe(303)
    expect((await first.get('/oficina')).status).toBe(200)
    const second = officeClient(composed.app)
    expect((await signIn(second, 'code', code)).status).toBe(401)

    const old = await createSignInCode(database.db, { contactId: staff.id, now: new Date(Date.now() - 11 * 60_000) })
    expect((await signIn(officeClient(composed.app), 'code', old.code)).status).toBe(401)
  })

  it('keeps only a hash of the session id, and a signed-out cookie opens nothing, even copied into another browser', async () => {
    const officer = await signedIn(tokens.areaA)
    const secret = officer.cookie('oficina_sesion')
    if (!secret) throw new Error('no session cookie')
    expect(JSON.stringify(await database.db.select().from(officeSessions))).not.toContain(secret)
    const copy = officeClient(composed.app)
    copy.setCookie('oficina_sesion', secret)
    expect((await copy.get('/oficina')).status).toBe(200)

    const page = await (await officer.get('/oficina')).text()
    const out = await officer.post('/oficina/salir', { _csrf: hiddenField(page, '_csrf') })
    expect(out.status).toBe(303)
    expect(officer.cookie('oficina_sesion')).toBeUndefined()
    const after = await copy.get('/oficina')
    expect(after.status).toBe(303)
    expect(after.headers.get('location')).toBe('/oficina/entrar?vencida=1')
  })

  it('sets the cookie HttpOnly and SameSite=Strict, Secure only over HTTPS, and ignores X-Forwarded-Proto it was not told to trust', async () => {
    const plain = officeClient(composed.app)
    await signIn(plain, 'token', tokens.areaA)
    const cookie = plain.setCookies().find((line) => line.startsWith('oficina_sesion='))
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    expect(cookie).toMatch(/Path=\/oficina/)
    expect(cookie).not.toMatch(/Secure/)

    const forged = officeClient(composed.app)
    const page = await (await forged.get('/oficina/entrar', { 'x-forwarded-proto': 'https' })).text()
    await forged.post('/oficina/entrar', { _form: hiddenField(page, '_form'), token: tokens.areaA }, { 'x-forwarded-proto': 'https' })
    expect(forged.setCookies().find((line) => line.startsWith('oficina_sesion='))).not.toMatch(/Secure/)

    const https = officeClient(composed.app, 'https://localhost')
    await signIn(https, 'token', tokens.areaA)
    expect(https.setCookies().find((line) => line.startsWith('oficina_sesion='))).toMatch(/Secure/)
  })

  it("shows an institution token's session no admin page, and an admin's the directory, rules, tokens (no secret) and audit", async () => {
    const officer = await signedIn(tokens.areaA)
    for (const path of ['/oficina/admin/unidades', '/oficina/admin/reglas', '/oficina/admin/credenciales', '/oficina/admin/auditoria']) {
      expect((await officer.get(path)).status).toBe(403)
    }
    const admin = await signedIn(tokens.admin)
    expect(await (await admin.get('/oficina/admin/unidades')).text()).toContain('MSPAS-DAS-IXIL')
    const tokenPage = await (await admin.get('/oficina/admin/credenciales')).text()
    expect(tokenPage).toContain('Beto Ixil')
    for (const secret of Object.values(tokens)) expect(tokenPage).not.toContain(secret)
    const dryRun = await (await admin.get('/oficina/admin/reglas?sector=health&category=medicine_shortage&municipalityCode=0108')).text()
    expect(dryRun).toContain('Dirección de Área de Salud Guatemala Nor Occidente')
    const audit = await (await admin.get('/oficina/admin/auditoria?actor=token:Ana')).text()
    expect(audit).toContain('sign-in')
    expect(audit).toContain('transition')
  })

  it('ends a session left idle for 30 minutes, and any session 12 hours after sign-in', async () => {
    let clock = new Date()
    const timed = await testApp(database, () => clock)
    const idle = officeClient(timed.app)
    expect((await signIn(idle, 'token', tokens.areaA)).status).toBe(303)
    const busy = officeClient(timed.app)
    expect((await signIn(busy, 'token', tokens.areaA)).status).toBe(303)
    for (let minutes = 25; minutes < 12 * 60; minutes += 25) {
      clock = new Date(clock.getTime() + 25 * 60_000)
      expect((await busy.get('/oficina')).status).toBe(200)
    }
    expect((await idle.get('/oficina')).headers.get('location')).toBe('/oficina/entrar?vencida=1')
    clock = new Date(clock.getTime() + 25 * 60_000)
    expect((await busy.get('/oficina')).headers.get('location')).toBe('/oficina/entrar?vencida=1')
  })

  it('believes X-Forwarded-Proto only when told to trust the proxy', async () => {
    const trusting = new Hono().route('/oficina', createOfficeRoutes({ db: database.db, logger: silentLogger, trustProxy: true }))
    const client = officeClient(trusting)
    const page = await (await client.get('/oficina/entrar', { 'x-forwarded-proto': 'https' })).text()
    await client.post('/oficina/entrar', { _form: hiddenField(page, '_form'), token: tokens.areaA }, { 'x-forwarded-proto': 'https' })
    expect(client.setCookies().find((line) => line.startsWith('oficina_sesion='))).toMatch(/Secure/)
  })

  it('serves pages under the strict CSP with no inline script or style, and refuses a large body', async () => {
    const officer = await signedIn(tokens.areaA)
    const answer = await officer.get(`/oficina/casos/${caseCode}`)
    expect(answer.headers.get('content-security-policy')).toContain("default-src 'self'")
    expect(answer.headers.get('cache-control')).toBe('no-store')
    const page = await answer.text()
    expect(page).not.toMatch(/<script|<style|\sstyle=/i)
    // (the case's text holds an escaped onerror=, so handlers are looked for in the inbox and sign-in pages)
    for (const other of [await (await officer.get('/oficina')).text(), await (await officeClient(composed.app).get('/oficina/entrar')).text()]) {
      expect(other).not.toMatch(/<script|<style|\sstyle=|\son[a-z]+=/i)
    }
    expect((await officer.post(`/oficina/casos/${caseCode}/nota`, { _csrf: hiddenField(page, '_csrf'), note: 'x'.repeat(70 * 1024) })).status).toBe(413)
  })

  it('limits sign-in attempts from one address', async () => {
    const client = officeClient(composed.app)
    const page = await (await client.get('/oficina/entrar')).text()
    const form = hiddenField(page, '_form')
    const statuses: number[] = []
    for (let i = 0; i < 22; i++) statuses.push((await client.post('/oficina/entrar', { _form: form, code: 'AAAAA-AAAAA' }, { 'x-forwarded-for': '203.0.113.9' })).status)
    expect(statuses).toContain(429)
    // the right token is refused too once the address is over its limit
    expect((await client.post('/oficina/entrar', { _form: form, token: tokens.areaA })).status).toBe(429)
    const rows = await database.db.select().from(auditLog).where(eq(auditLog.action, 'sign-in'))
    expect(rows.every((row) => !JSON.stringify(row).includes(tokens.areaA))).toBe(true)
  })
})
