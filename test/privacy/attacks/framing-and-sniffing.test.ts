import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Composed } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { testApp } from '../../support/app.js'
import { launchChromium } from '../../support/browser.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { type Served, serveOnLoopback } from '../../support/serve-app.js'

/** Pages, their files, API answers, errors: every one carries the headers. */
const ANSWERS: [method: string, path: string][] = [
  ['GET', '/'],
  ['GET', '/webchat.js'],
  ['GET', '/webchat/messages?conversationId=attack-framing-conversation-0001'],
  ['GET', '/observatorio'],
  ['GET', '/observatorio/observatorio.js'],
  ['GET', '/api/v1/docs'],
  ['GET', '/api/v1/openapi.json'],
  ['GET', '/api/v1/stats/cases'],
  ['GET', '/api/v1/cases'],
  ['GET', '/health'],
  ['GET', '/open311/v2/discovery.json'],
  ['POST', '/open311/v2/requests.xml'],
  ['GET', '/no/such/page'],
]

describe.each(databaseKinds)('security headers on %s', (kind) => {
  let database: Database
  let composed: Composed
  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
  })
  afterAll(async () => {
    await database.close()
  })

  it.each(ANSWERS)('%s %s may not be framed, sniffed or referred from, and runs only its own code', async (method, path) => {
    const response = await composed.app.request(path, { method })
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    expect(csp).not.toContain('unsafe-inline')
    expect(response.headers.get('x-frame-options')).toBe('DENY')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('referrer-policy')).toBe('no-referrer')
  })
})

/** Builds the statistics publication the public dashboard reads, where the app has one. */
async function publish(database: Database): Promise<void> {
  const module: unknown = await import('../../../src/stats/publication/build-publication.js').catch(() => undefined)
  const build = (module as { buildPublication?: (db: Database['db'], options: { now: Date; k: number }) => Promise<unknown> } | undefined)?.buildPublication
  if (build) await build(database.db, { now: new Date(), k: 5 })
}

describe('the pages under their Content-Security-Policy, in a browser', () => {
  let database: Database
  let server: Served | undefined
  let base: string
  let browser: BrowserContext
  let profile: string

  beforeAll(async () => {
    database = await freshDatabase('pglite')
    const composed = await testApp(database)
    await publish(database)
    server = await serveOnLoopback(composed.app)
    base = server.url
    profile = mkdtempSync(join(tmpdir(), 'dialogo-chromium-'))
    browser = await launchChromium(profile, 'es-GT')
    // before any page script: every directive the page breaks is recorded
    await browser.addInitScript(`
      window.cspViolations = []
      document.addEventListener('securitypolicyviolation', (event) => window.cspViolations.push(event.violatedDirective + ' ' + event.blockedURI))
    `)
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await database?.close()
    rmSync(profile, { recursive: true, force: true })
  })

  // the project compiles without the DOM library: browser-side code is passed as text
  const violations = (page: Page) => page.evaluate('window.cspViolations')

  it('runs the web chat: greets and takes a button press, with no violation', async () => {
    const page = await browser.newPage()
    await page.goto(`${base}/`)
    const bot = page.getByTestId('bot-message')
    await expect.poll(() => bot.allTextContents(), { timeout: 10_000 }).toContainEqual(expect.stringContaining('¿Qué desea hacer?'))
    await page.getByTestId('choice').filter({ hasText: 'Presentar una queja' }).click()
    await expect.poll(() => bot.last().textContent(), { timeout: 10_000 }).toContain('¿Sobre qué servicio es su queja?')
    expect(await violations(page)).toEqual([])
  })

  it('runs the observatory dashboard with its chart library, with no violation', async () => {
    const page = await browser.newPage()
    // its chart library loaded, and its own script ran: the intro is written from texts.json
    await page.goto(`${base}/observatorio`, { waitUntil: 'networkidle' })
    expect(await page.evaluate('typeof window.Chart')).toBe('function')
    expect((await page.locator('#intro').textContent())?.length).toBeGreaterThan(10)
    expect(await violations(page)).toEqual([])
  })

  it('styles the API docs page from its own style sheet, with no violation', async () => {
    const page = await browser.newPage()
    await page.goto(`${base}/api/v1/docs`)
    expect(await page.evaluate('getComputedStyle(document.body).maxWidth')).toBe('960px')
    expect(await violations(page)).toEqual([])
  })
})
