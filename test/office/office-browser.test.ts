import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eq } from 'drizzle-orm'
import { createToken } from '../../src/auth/tokens.js'
import { cases } from '../../src/db/schema/index.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { caseRow, fileCase, unitId } from '../cases/case-fixture.js'
import { fileWebchatComplaint, testApp, webchatConversation, webchatSecret } from '../support/app.js'
import { launchChromium } from '../support/browser.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { phonePhoto } from '../support/photo.js'
import { type Served, serveOnLoopback } from '../support/serve-app.js'

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
const DESCRIPTION = 'Desde hace dos semanas no hay amoxicilina para los niños en la farmacia.'
const PUBLIC_NOTE = 'Ya llegó la amoxicilina: puede pasar a recogerla al centro de salud.'

/** axe-core's serious and critical findings, one line each (evaluated through the debugging protocol, which the CSP does not govern). */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE)
  return page.evaluate<string[]>(`axe.run(document, { resultTypes: ['violations'] }).then((result) =>
    result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`)
}

/** Whether the page is wider than the window (a phone would scroll sideways). */
function overflowsSideways(page: Page): Promise<boolean> {
  return page.evaluate<boolean>('document.documentElement.scrollWidth > window.innerWidth + 1')
}

describe.each(databaseKinds)('the back office in a browser on %s', (kind) => {
  let database: Database
  let composed: Composed
  let server: Served
  let browser: BrowserContext
  let profile: string
  let adminToken: string
  let ixilToken: string
  const offsite: string[] = []

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
    adminToken = (await createToken(database.db, { name: 'admin', role: 'admin' })).token
    ixilToken = (await createToken(database.db, { name: 'Oficina Ixil', role: 'institution', unitIds: [await unitId(database, 'MSPAS-DAS-IXIL')] })).token
    server = await serveOnLoopback(composed.app)
    profile = mkdtempSync(join(tmpdir(), 'dialogo-chromium-'))
    browser = await launchChromium(profile, 'es-GT')
    browser.on('request', (request) => {
      if (!request.url().startsWith(server.url) && !request.url().startsWith('data:')) offsite.push(request.url())
    })
    mkdirSync('test-results', { recursive: true })
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    rmSync(profile, { recursive: true, force: true })
    await server?.close()
    await database?.close()
  })

  /** What the citizen's web chat page gets when it polls, once the outbox has delivered. */
  async function citizenSees(conversation: string): Promise<string> {
    await composed.outbox.runOnce()
    const response = await composed.app.request(`/webchat/messages?conversationId=${webchatSecret(conversation)}`)
    const { replies } = (await response.json()) as { replies: { text: string }[] }
    return replies.map((reply) => reply.text).join('\n')
  }

  it('signs a staff chat in by the code the bot sends, filters, opens the case with its photo, resolves it with a public note the citizen gets; another unit cannot open it', { timeout: 180_000 }, async () => {
    // a linked staff chat in the web chat, and a citizen's complaint with a photo
    const link = await composed.app.request('/api/v1/staff/link-codes', {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ unitIds: [await unitId(database, 'MSPAS-DAS-GUATEMALA-NOR-OCCIDENTE')] }),
    })
    const staff = webchatConversation(composed.app, 'office-staff-ana')
    await staff.say(`vincular ${((await link.json()) as { code: string }).code}`)
    const { code } = await fileWebchatComplaint(composed.app, 'office-citizen-rosa', { description: DESCRIPTION, identity: /confidencial/i, photo: await phonePhoto() })
    await citizenSees('office-citizen-rosa')
    // two more cases of the unit, one past its deadline: the inbox puts that one first
    const late = await fileCase(database, { now: new Date(Date.now() - 10 * 86_400_000), draft: { description: 'No hay vacunas de sarampión.' } })
    await database.db.update(cases).set({ dueAt: new Date(Date.now() - 86_400_000) }).where(eq(cases.code, late.code))
    await fileCase(database, { now: new Date(Date.now() - 3_600_000), draft: { facility: 'Puesto de Salud Lo de Bran', description: 'Cobran la consulta.' } })

    // a citizen's chat gets no code
    const stranger = webchatConversation(composed.app, 'office-stranger')
    await stranger.say('oficina')
    expect(stranger.text()).toContain('no está vinculado')
    expect(stranger.text()).not.toMatch(/[0-9A-Z]{5}-[0-9A-Z]{5}/)

    await staff.say('oficina')
    const signInCode = /\b([0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5})\b/.exec(staff.text())?.[1]
    if (!signInCode) throw new Error(`no sign-in code in: ${staff.text()}`)

    const page = await browser.newPage()
    await page.setViewportSize({ width: 360, height: 780 })
    await page.goto(`${server.url}/oficina`)
    expect(new URL(page.url()).pathname).toBe('/oficina/entrar')
    await page.getByLabel('Código del chat', { exact: true }).fill(signInCode)
    await page.getByRole('button', { name: 'Entrar con el código' }).click()
    await page.waitForURL(`${server.url}/oficina`)
    expect(await page.textContent('h1')).toBe('Bandeja')
    expect(await page.locator('.attention .code').allTextContents()).toEqual([late.code])
    await page.screenshot({ path: `test-results/oficina-${kind}-inbox-all-360-es.png`, fullPage: true })

    // filter with the keyboard, as a phone without a mouse would
    await page.locator('summary', { hasText: 'Filtros' }).focus()
    await page.keyboard.press('Enter')
    await page.getByLabel('Buscar en el relato').fill('amoxicilina')
    await page.getByLabel('Buscar en el relato').press('Enter')
    await page.waitForURL(/q=amoxicilina/)
    const listed = await page.locator('.cases .code').allTextContents()
    expect(listed).toEqual([code])
    expect(await seriousViolations(page)).toEqual([])
    expect(await overflowsSideways(page)).toBe(false)
    await page.screenshot({ path: `test-results/oficina-${kind}-inbox-360-es.png`, fullPage: true })
    await page.goto(`${server.url}/oficina?lang=en`)
    expect(await page.textContent('h1')).toBe('Inbox')
    expect(await page.getAttribute('html', 'lang')).toBe('en')
    expect(await seriousViolations(page)).toEqual([])
    await page.screenshot({ path: `test-results/oficina-${kind}-inbox-360-en.png`, fullPage: true })
    await page.goto(`${server.url}/oficina?lang=es`)

    await page.locator('.cases a', { hasText: code }).first().click()
    await page.waitForURL(`${server.url}/oficina/casos/${code}`)
    const photo = page.locator('.evidence img')
    await photo.scrollIntoViewIfNeeded()
    await expect.poll(() => photo.evaluate<boolean, HTMLImageElementLike>((img) => img.complete && img.naturalWidth > 0)).toBe(true)
    expect(await page.locator('.account').textContent()).toContain('amoxicilina')
    expect(await seriousViolations(page)).toEqual([])
    expect(await overflowsSideways(page)).toBe(false)
    await page.screenshot({ path: `test-results/oficina-${kind}-case-360-es.png`, fullPage: true })
    await page.goto(`${server.url}/oficina/casos/${code}?lang=en`)
    expect(await seriousViolations(page)).toEqual([])
    await page.screenshot({ path: `test-results/oficina-${kind}-case-360-en.png`, fullPage: true })
    await page.goto(`${server.url}/oficina/casos/${code}?lang=es`)

    await page.getByLabel('Nota para el ciudadano').fill(PUBLIC_NOTE)
    await page.getByRole('button', { name: 'Resolver' }).click()
    await page.waitForURL(/hecho=estado/)
    expect(await page.getByRole('status').first().textContent()).toContain('Listo')
    expect((await caseRow(database, code)).status).toBe('resolved')
    expect(await page.locator('.timeline').textContent()).toContain(PUBLIC_NOTE)
    expect(await citizenSees('office-citizen-rosa')).toContain(PUBLIC_NOTE)

    await page.getByRole('button', { name: 'Salir' }).click()
    await page.waitForURL(/\/oficina\/entrar\?salio=1/)

    // another unit's officer, signed in with a token, gets a 404 for the case
    await browser.clearCookies()
    await page.goto(`${server.url}/oficina/entrar`)
    await page.getByLabel('Credencial de la API', { exact: true }).fill(ixilToken)
    await page.getByRole('button', { name: 'Entrar con la credencial' }).click()
    await page.waitForURL(`${server.url}/oficina`)
    expect(await page.locator('.cases .code').allTextContents()).not.toContain(code)
    const foreign = await page.goto(`${server.url}/oficina/casos/${code}`)
    expect(foreign?.status()).toBe(404)
    expect(await page.textContent('h1')).toContain('No encontramos')
    expect(offsite).toEqual([])
    await page.close()
  })

  it('shows an admin the directory, the rules with a dry run, the tokens and the audit log, readable at 360 px', { timeout: 120_000 }, async () => {
    await browser.clearCookies()
    const page = await browser.newPage()
    await page.setViewportSize({ width: 360, height: 780 })
    await page.goto(`${server.url}/oficina/entrar`)
    await page.getByLabel('Credencial de la API', { exact: true }).fill(adminToken)
    await page.getByRole('button', { name: 'Entrar con la credencial' }).click()
    await page.waitForURL(`${server.url}/oficina`)
    await page.getByRole('link', { name: 'Reglas' }).click()
    await page.getByLabel('Categoría (código, p. ej. medicine_shortage)').fill('medicine_shortage')
    await page.getByLabel('Municipio (código INE, p. ej. 0108)').fill('0108')
    await page.getByRole('button', { name: 'Probar' }).click()
    await page.waitForURL(/municipalityCode=0108/)
    expect(await page.locator('.card[role="status"]').textContent()).toContain('Dirección de Área de Salud Guatemala Nor Occidente')
    expect(await seriousViolations(page)).toEqual([])
    expect(await overflowsSideways(page)).toBe(false)
    await page.screenshot({ path: `test-results/oficina-${kind}-rules-360-es.png` })
    for (const [name, heading] of [['Unidades', 'Unidades'], ['Credenciales', 'Credenciales de la API'], ['Auditoría', 'Registro de auditoría']] as const) {
      await page.getByRole('link', { name, exact: true }).click()
      expect(await page.textContent('h1')).toBe(heading)
      expect(await seriousViolations(page)).toEqual([])
      expect(await overflowsSideways(page)).toBe(false)
    }
    expect(await page.content()).not.toContain(adminToken)
    await page.screenshot({ path: `test-results/oficina-${kind}-audit-360-es.png` })
    await page.close()
  })
})

/** The two fields of an <img> the check reads (the test project has no DOM types). */
type HTMLImageElementLike = { complete: boolean; naturalWidth: number }
