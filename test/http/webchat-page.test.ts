import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compose } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { launchChromium } from '../support/browser.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { silentLogger } from '../support/tiny-engine.js'
import { chatIn, conversationIdsSeenBy, storedText } from '../support/webchat-page.js'
import { type Served, serveOnLoopback } from '../support/serve-app.js'

const BASE_CONFIG = {
  SEED_FILE: './seed/directory.json',
  SESSION_TTL_MINUTES: 60,
  DEFAULT_LOCALE: 'es',
  OUTBOX_POLL_MS: 50,
  RETENTION_DAYS: 180,
} satisfies Parameters<typeof compose>[0]['config']

/** The JSON body of a POST the page sent to the web chat endpoint. */
function postedBody(request: Request): Record<string, unknown> | undefined {
  if (request.method() !== 'POST' || !request.url().endsWith('/webchat/messages')) return undefined
  const parsed: unknown = JSON.parse(request.postData() ?? 'null')
  return typeof parsed === 'object' && parsed !== null ? { ...parsed } : undefined
}

describe.each(databaseKinds)('the web chat page in a browser (%s)', (kind) => {
  let database: Database
  let servers: Served[] = []
  /** the server's default: not a kiosk */
  let base: string
  /** the same app with WEBCHAT_KIOSK=1 */
  let kioskBase: string
  let browser: BrowserContext
  let profile: string

  beforeAll(async () => {
    database = await freshDatabase(kind)
    const plain = await serveOnLoopback((await compose({ database, config: BASE_CONFIG, logger: silentLogger })).app)
    const kiosk = await serveOnLoopback((await compose({ database, config: { ...BASE_CONFIG, WEBCHAT_KIOSK: true }, logger: silentLogger })).app)
    servers = [plain, kiosk]
    base = plain.url
    kioskBase = kiosk.url
    profile = mkdtempSync(join(tmpdir(), 'dialogo-chromium-'))
    browser = await launchChromium(profile, 'es-GT')
    mkdirSync('test-results', { recursive: true })
  })
  afterAll(async () => {
    await browser?.close()
    for (const server of servers) await server.close()
    await database?.close()
    rmSync(profile, { recursive: true, force: true })
  })

  it('greets in Spanish, takes a button press and a typed answer, and keeps the conversation on reload', async () => {
    const page = await browser.newPage()
    await page.goto(`${base}/`)
    const bot = page.getByTestId('bot-message')
    await expect.poll(() => bot.allTextContents()).toContainEqual(expect.stringContaining('¿Qué desea hacer?'))

    await page.getByTestId('choice').filter({ hasText: 'Presentar una queja' }).click()
    await expect.poll(() => bot.last().textContent()).toContain('¿Sobre qué servicio es su queja?')

    await page.getByTestId('input').fill('salud')
    await page.getByTestId('send').click()
    await expect.poll(() => bot.allTextContents()).toContainEqual(expect.stringContaining('¿Qué pasó?'))
    expect(await page.getByTestId('choice').filter({ hasText: 'Falta de medicamentos' }).isEnabled()).toBe(true)
    // not a kiosk: no badge, no countdown, and the conversation is kept in the browser
    expect(await page.getByTestId('kiosk-badge').isVisible()).toBe(false)
    expect(await page.getByTestId('countdown').isVisible()).toBe(false)
    expect(await storedText(page)).toContain('dialogo.conversationId')

    await page.screenshot({ path: `test-results/webchat-${kind}.png`, fullPage: true })

    await page.reload()
    await expect.poll(() => bot.allTextContents()).toContainEqual(expect.stringContaining('¿Qué pasó?'))
    await page.close()
  })

  /** A tab that starts its own conversation: the browser profile keeps earlier tests' ids. */
  async function freshConversationPage() {
    const page = await browser.newPage()
    await page.addInitScript('localStorage.clear()')
    return page
  }

  it('polls with the conversation id in the X-Conversation-Id header, never in the address', async () => {
    const page = await freshConversationPage()
    const polls: Request[] = []
    page.on('request', (request) => {
      if (request.method() === 'GET' && request.url().includes('/webchat/messages')) polls.push(request)
    })
    const ids = conversationIdsSeenBy(page)
    await page.goto(`${base}/`)
    await chatIn(page).greeted()
    await expect.poll(() => polls.length, { timeout: 10_000 }).toBeGreaterThan(0)
    const poll = polls[0]
    expect(poll).toBeDefined()
    if (!poll) return
    expect(new URL(poll.url()).search).toBe('')
    const [id] = ids.values()
    expect(id).toMatch(/^[A-Za-z0-9_-]{22,64}$/)
    expect(poll.headers()['x-conversation-id']).toBe(id)
    expect((await poll.response())?.status()).toBe(200)
    await page.close()
  })

  it('tells a flood once, in a note, and keeps retrying the message after Retry-After', async () => {
    const page = await freshConversationPage()
    await page.clock.install()
    const ids = conversationIdsSeenBy(page)
    await page.goto(`${base}/`)
    const chat = chatIn(page)
    await chat.greeted()
    const [conversationId] = ids.values()
    // the rest of the minute's allowance for this conversation (the router's default: 30, the
    // greeting was one) is used up from elsewhere, so the page's next message is the first refused
    for (let i = 0; i < 29; i++) {
      const response = await fetch(`${base}/webchat/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ conversationId, messageId: `flood-${i}-0000`, text: 'menú' }),
      })
      expect(response.status).toBe(200)
    }
    const refusals: number[] = []
    page.on('response', (response) => {
      if (response.request().method() === 'POST' && response.status() === 429) refusals.push(response.status())
    })

    await page.getByTestId('input').fill('salud')
    await page.getByTestId('send').click()
    const notes = page.locator('.msg-note .bubble')
    await expect.poll(() => notes.allTextContents()).toEqual(['Está enviando mensajes muy rápido. Espere un momento y vuelva a intentarlo.'])
    // the server's minute has not passed: each retry is refused again, and told no more
    await page.clock.fastForward(30_000)
    await expect.poll(() => refusals.length).toBe(2)
    await page.clock.fastForward(30_000)
    await expect.poll(() => refusals.length).toBe(3)
    expect(await notes.count()).toBe(1)
    expect(await page.locator('.msg-user .meta').last().textContent()).toBe('Enviando…')
    await page.close()
  })

  it('is a kiosk when the server says so, and ?kiosk=0 turns that off', async () => {
    const page = await browser.newPage()
    const posts: Record<string, unknown>[] = []
    page.on('request', (request) => {
      const body = postedBody(request)
      if (body) posts.push(body)
    })
    await page.goto(`${kioskBase}/`)
    const chat = chatIn(page)
    await chat.greeted()
    const greeting = await chat.botTexts()
    expect(await page.getByTestId('kiosk-badge').isVisible()).toBe(true)
    await chat.press(/queja/i)
    await page.getByTestId('input').fill('a half-typed sentence')
    expect(posts.length).toBe(2)
    expect(posts.every((body) => body.kiosk === true)).toBe(true)
    expect(await storedText(page)).toBe('{}{}')

    // "Nueva conversación" at a kiosk, once confirmed (a complaint was begun), wipes the screen,
    // the field and the conversation id
    await page.getByTestId('new-conversation').click()
    await page.getByTestId('leave-yes').click()
    await expect.poll(() => chat.botTexts()).toEqual(greeting)
    expect(await chat.userTexts()).toEqual([])
    expect(await page.getByTestId('input').inputValue()).toBe('')
    expect(new Set(posts.map((body) => body.conversationId)).size).toBe(2)

    posts.length = 0
    await page.goto(`${kioskBase}/?kiosk=0`)
    await chatIn(page).greeted()
    expect(await page.getByTestId('kiosk-badge').isVisible()).toBe(false)
    expect(posts.length).toBeGreaterThan(0)
    expect(posts.some((body) => 'kiosk' in body)).toBe(false)
    expect(await storedText(page)).toContain('dialogo.conversationId')
    await page.close()
  })

  it('after a flow ends at a kiosk, counts down aloud; "Seguir" keeps the conversation and "Terminar ahora", reached by keyboard, clears it', async () => {
    const page = await browser.newPage()
    await page.setViewportSize({ width: 360, height: 740 })
    await page.goto(`${base}/?kiosk=1`)
    const chat = chatIn(page)
    await chat.greeted()
    const greeting = await chat.botTexts()
    const countdown = page.getByTestId('countdown')

    await chat.say('mis datos')
    await expect.poll(() => countdown.isVisible()).toBe(true)
    expect(await page.locator('#countdown-title').textContent()).toBe('Conversación terminada')
    expect(await page.getByTestId('countdown-text').textContent()).toMatch(/siguiente persona en (20|19) s\./)
    await expect.poll(() => page.getByTestId('countdown-announce').textContent()).toContain('Conversación terminada.')
    await page.screenshot({ path: `test-results/kiosk-end-360-${kind}.png` })

    await page.getByTestId('keep-going').click()
    expect(await countdown.isVisible()).toBe(false)
    expect(await chat.userTexts()).toEqual(['mis datos'])
    expect(await page.evaluate<boolean>("document.activeElement === document.getElementById('message')")).toBe(true)

    // keyboard only: from the text field, Shift+Tab reaches the countdown's buttons without cancelling it
    await chat.say('mis datos')
    await expect.poll(() => countdown.isVisible()).toBe(true)
    await page.getByTestId('input').focus()
    await page.keyboard.press('Shift+Tab')
    expect(await page.evaluate<string | undefined>('document.activeElement.dataset.testid')).toBe('keep-going')
    await page.keyboard.press('Shift+Tab')
    expect(await page.evaluate<string | undefined>('document.activeElement.dataset.testid')).toBe('finish-now')
    expect(await countdown.isVisible()).toBe(true)
    await page.keyboard.press('Enter')
    await expect.poll(() => chat.userTexts()).toEqual([])
    await expect.poll(() => chat.botTexts()).toEqual(greeting)
    expect(await countdown.isVisible()).toBe(false)
    await expect.poll(() => page.getByTestId('countdown-announce').textContent()).toBe('Pantalla borrada. Empieza una conversación nueva.')
    await page.close()
  })

  it('works at a kiosk under a strict Content-Security-Policy, with nothing refused', async () => {
    const page = await browser.newPage()
    // the policy the app's pages are served with: no inline script or style at all
    await page.route(/\/(\?kiosk=1)?$/, async (route) => {
      const response = await route.fetch()
      await route.fulfill({ response, headers: { ...response.headers(), 'content-security-policy': "default-src 'self'; frame-ancestors 'none'" } })
    })
    await page.addInitScript(
      "window.refused = []; document.addEventListener('securitypolicyviolation', (e) => window.refused.push(e.violatedDirective + ' ' + e.blockedURI))",
    )
    const served = await page.goto(`${base}/?kiosk=1`)
    expect(served?.headers()['content-security-policy']).toContain("default-src 'self'")
    const chat = chatIn(page)
    await chat.greeted()
    await chat.say('mis datos')
    await expect.poll(() => page.getByTestId('countdown').isVisible()).toBe(true)
    expect(await page.evaluate<string[]>('window.refused')).toEqual([])
    await page.close()
  })

  it('speaks English to an English browser, countdown and buttons included, at a 1280×800 kiosk', async () => {
    const page = await browser.newPage()
    await page.setViewportSize({ width: 1280, height: 800 })
    // as an English browser: the language it sends and the one it tells the page
    await page.setExtraHTTPHeaders({ 'accept-language': 'en-US,en;q=0.9' })
    await page.addInitScript("Object.defineProperty(navigator, 'languages', { get: () => ['en-US', 'en'] })")
    await page.goto(`${base}/?kiosk=1`)
    const bot = page.getByTestId('bot-message')
    await expect.poll(() => bot.count()).toBeGreaterThan(0)
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('en')
    expect(await page.getByTestId('new-conversation').textContent()).toBe('New conversation')
    expect(await page.getByTestId('send').textContent()).toBe('Send')
    expect(await page.getByTestId('kiosk-badge').textContent()).toBe('Shared screen: everything written is cleared when you finish.')

    await page.getByTestId('input').fill('my data')
    await page.getByTestId('send').click()
    await expect.poll(() => page.getByTestId('countdown').isVisible()).toBe(true)
    expect(await bot.last().textContent()).toContain('On a shared screen')
    expect(await page.locator('#countdown-title').textContent()).toBe('Conversation finished')
    expect(await page.getByTestId('countdown-text').textContent()).toMatch(/for the next person in (20|19) s\./)
    expect(await page.getByTestId('finish-now').textContent()).toBe('Finish now')
    expect(await page.getByTestId('keep-going').textContent()).toBe('Keep going')
    await page.screenshot({ path: `test-results/kiosk-end-1280-en-${kind}.png` })
    await page.close()
  })
})
