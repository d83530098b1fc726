import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import { compose } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { TRACKING_CODE } from '../support/app.js'
import { launchChromium } from '../support/browser.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { silentLogger } from '../support/tiny-engine.js'
import { tinyPng } from '../support/tiny-png.js'
import { chatIn } from '../support/webchat-page.js'
import { type Served, serveOnLoopback } from '../support/serve-app.js'

const BASE_CONFIG = {
  SEED_FILE: './seed/directory.json',
  SESSION_TTL_MINUTES: 60,
  DEFAULT_LOCALE: 'es',
  OUTBOX_POLL_MS: 50,
  RETENTION_DAYS: 180,
} satisfies Parameters<typeof compose>[0]['config']

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/**
 * axe-core's serious and critical findings on the page as it stands, one line each. Evaluated
 * through the debugging protocol, which the page's strict CSP does not govern.
 */
async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE)
  return page.evaluate<string[]>(`axe.run(document, { resultTypes: ['violations'] }).then((result) =>
    result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id + ': ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`)
}

/** The file chooser the 📎 button opens, answered with this file. */
async function attach(page: Page, file: { name: string; mimeType: string; buffer: Buffer }) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByTestId('attach').click()])
  await chooser.setFiles(file)
}

/** Whether the element lies wholly inside the browser window (not scrolled away). */
async function inView(page: Page, testid: string): Promise<boolean> {
  const box = await page.getByTestId(testid).first().boundingBox()
  const size = page.viewportSize()
  return box !== null && size !== null && box.y >= 0 && box.y + box.height <= size.height
}

/** The option buttons a citizen can see (answered questions fold theirs away). */
function visibleChoices(page: Page) {
  return page.locator('.choices:not([hidden]) button')
}

/** Presses Tab until the focused element's text matches, as a keyboard-only citizen would. */
async function tabTo(page: Page, text: RegExp | 'input'): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press('Tab')
    const focused = await page.evaluate<{ id: string; tag: string; text: string }>(
      '({ id: document.activeElement.id, tag: document.activeElement.tagName, text: document.activeElement.textContent || "" })',
    )
    if (text === 'input' ? focused.id === 'message' : focused.tag === 'BUTTON' && text.test(focused.text)) return
  }
  throw new Error(`Tab never reached ${String(text)}`)
}

/** Types an answer into the focused text field and sends it with Enter, waiting for the bot. */
async function typeAndEnter(page: Page, text: string): Promise<void> {
  const bot = page.getByTestId('bot-message')
  const before = await bot.count()
  await page.keyboard.type(text)
  await page.keyboard.press('Enter')
  await expect.poll(() => bot.count(), { timeout: 10_000 }).toBeGreaterThan(before)
}

describe.each(databaseKinds)('the web chat page, as easy as a messaging app (%s)', (kind) => {
  let database: Database
  let servers: Served[] = []
  let base: string
  let browser: BrowserContext
  let profile: string
  let adminToken: string

  beforeAll(async () => {
    database = await freshDatabase(kind)
    const plain = await serveOnLoopback((await compose({ database, config: BASE_CONFIG, logger: silentLogger })).app)
    servers = [plain]
    base = plain.url
    adminToken = (await createToken(database.db, { name: 'test admin', role: 'admin' })).token
    profile = mkdtempSync(join(tmpdir(), 'dialogo-chromium-'))
    browser = await launchChromium(profile, 'es-GT')
    await browser.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base })
    mkdirSync('test-results', { recursive: true })
  })
  afterAll(async () => {
    await browser?.close()
    for (const server of servers) await server.close()
    await database?.close()
    rmSync(profile, { recursive: true, force: true })
  })

  /** A tab with a conversation of its own (the profile keeps earlier tests' ids). */
  async function freshPage(width: number, height: number, query = '') {
    const page = await browser.newPage()
    await page.setViewportSize({ width, height })
    await page.goto(`${base}/${query}`)
    // once, not as an init script: a reload later in the test must keep the conversation
    await page.evaluate('localStorage.clear(); sessionStorage.clear()')
    await page.reload()
    await chatIn(page).greeted()
    return page
  }

  it('files a complaint on a phone: a typo said back, answered questions folded, numbered buttons, a photo with a preview, one answer changed, the code to copy and quick actions', async () => {
    const page = await freshPage(390, 844)
    const chat = chatIn(page)
    expect(await seriousViolations(page)).toEqual([])
    await chat.press(/Presentar una queja/)
    await chat.press(/^Salud/)

    // "medicamentso" is a slip: the bot says what it understood
    await chat.say('medicamentso')
    expect(await chat.botTexts()).toContainEqual('Entendí: Falta de medicamentos o insumos')
    // the answered questions folded: only the departments (and the location button) show, in view
    expect(await page.locator('.choices:not([hidden])').count()).toBe(1)
    expect(await visibleChoices(page).allTextContents()).toContain('Guatemala')
    expect(await visibleChoices(page).allTextContents()).not.toContain('Salud')
    expect(await inView(page, 'share-location')).toBe(true)
    await page.screenshot({ path: `test-results/webchat-ease-folded-390-${kind}.png` })

    // an answer that is no option: the bot offers the list by number, and the buttons show them
    await chat.say('por allá')
    expect((await chat.botTexts()).at(-1)).toContain('también puede escribir el número')
    const numbered = await page.locator('.choices:not([hidden]) [data-testid="choice"]').allTextContents()
    expect(numbered[0]).toMatch(/^1\. /)
    expect(numbered[1]).toMatch(/^2\. /)
    await chat.say('guatemala')
    await chat.say('mixco')
    await chat.say('Centro de Salud de Mixco')
    await chat.press(/^No 👎$/)
    await chat.say('Desde hace dos semanas no hay amoxicilina para los niños en la farmacia.')

    // evidence: the 📎 button is live; a file too large and one of a kind not kept are refused in words
    expect(await page.getByTestId('attach').isEnabled()).toBe(true)
    const notes = page.locator('.msg-note .bubble')
    await attach(page, { name: 'video.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(11.5 * 1024 * 1024, 1) })
    await expect.poll(() => notes.last().textContent()).toContain('Ese archivo pesa 11,5 MB: es muy grande. El máximo es 10 MB')
    await attach(page, { name: 'pagina.html', mimeType: 'text/html', buffer: Buffer.from('<p>hola</p>') })
    await expect.poll(() => notes.last().textContent()).toContain('No puedo guardar archivos de ese tipo (text/html)')

    // a photo: previewed (drawn, under the strict CSP) before it is sent
    const photo = tinyPng()
    await attach(page, { name: 'farmacia.png', mimeType: 'image/png', buffer: photo })
    await expect.poll(() => page.getByTestId('attach-preview').isVisible()).toBe(true)
    await expect.poll(() => page.getByTestId('attach-preview-image').isVisible()).toBe(true)
    expect(await page.getByTestId('attach-preview-name').textContent()).toMatch(/^farmacia\.png \(\d+ KB\)$/)
    expect(await seriousViolations(page)).toEqual([])
    await page.screenshot({ path: `test-results/webchat-ease-preview-390-${kind}.png` })
    const before = await page.getByTestId('bot-message').count()
    await page.getByTestId('attach-send').click()
    await expect.poll(() => page.getByTestId('bot-message').count()).toBeGreaterThan(before)
    expect(await chat.botTexts()).toContainEqual('📎 Recibí su foto. Irá con su queja.')
    expect(await chat.userTexts()).toContainEqual('📎 farmacia.png')
    expect(await page.getByTestId('attach-preview').isVisible()).toBe(false)

    await chat.press(/confidencial/i)
    await chat.press(/^Sí 👍$/)
    expect((await chat.botTexts()).join('\n')).toContain('• Adjunto: foto')

    // the review: "No" changes one answer, the rest stays
    await chat.press(/^No 👎$/)
    await chat.press(/El establecimiento/)
    await chat.say('Hospital Roosevelt')
    const review = (await chat.botTexts()).filter((text) => text.startsWith('Revisemos su queja')).at(-1)
    expect(review).toContain('• Establecimiento: Hospital Roosevelt')
    expect(review).toContain('• Su relato: Desde hace dos semanas no hay amoxicilina')
    await chat.press(/^Sí 👍$/)

    // the ending: the code stands out and is copied with one tap; quick actions follow
    const shown = await page.getByTestId('tracking-code').textContent()
    expect(shown).toMatch(TRACKING_CODE)
    const code = shown ?? ''
    expect(await page.locator('.code-hint').textContent()).toContain('Anótelo')
    await page.getByTestId('copy-code').click()
    await expect.poll(() => page.getByTestId('copy-code').textContent()).toBe('Código copiado')
    expect(await page.evaluate<string>('navigator.clipboard.readText()')).toBe(code)
    expect(await page.getByTestId('quick-status').isVisible()).toBe(true)
    expect(await page.getByTestId('quick-menu').isVisible()).toBe(true)
    expect(await seriousViolations(page)).toEqual([])
    await page.screenshot({ path: `test-results/webchat-ease-ending-390-${kind}.png` })

    // the photo is on the case, for the office
    const listed = await fetch(`${base}/api/v1/cases/${code}/evidence`, { headers: { authorization: `Bearer ${adminToken}` } })
    expect(listed.status).toBe(200)
    const { items } = (await listed.json()) as { items: { id: string; kind: string; mimeType: string }[] }
    expect(items).toEqual([expect.objectContaining({ kind: 'image', mimeType: 'image/png' })])
    const file = await fetch(`${base}/api/v1/cases/${code}/evidence/${items[0]?.id ?? ''}`, { headers: { authorization: `Bearer ${adminToken}` } })
    expect(file.status).toBe(200)
    expect(Buffer.from(await file.arrayBuffer()).subarray(0, 4)).toEqual(photo.subarray(0, 4))

    // "Consultar mi caso" asks about this code; later the code alone, typed, does too
    const beforeStatus = await page.getByTestId('bot-message').count()
    await page.getByTestId('quick-status').click()
    await expect.poll(() => page.getByTestId('bot-message').count()).toBeGreaterThan(beforeStatus)
    await expect.poll(() => chat.botTexts()).toContainEqual(expect.stringContaining(`Caso ${code}:`))
    const beforeMenu = await page.getByTestId('bot-message').count()
    await page.locator('[data-testid="quick-menu"]:visible').click()
    await expect.poll(() => page.getByTestId('bot-message').count()).toBeGreaterThan(beforeMenu)
    expect((await chat.botTexts()).at(-1)).toBe('¿Qué desea hacer?')
    await chat.say(code.toLowerCase())
    await expect.poll(async () => (await chat.botTexts()).filter((text) => text.startsWith(`Caso ${code}:`)).length).toBe(2)
    await page.close()
  })

  it('attaches a photo on a 1280×800 kiosk, where the preview can be cancelled before anything is sent', async () => {
    const page = await freshPage(1280, 800, '?kiosk=1')
    const chat = chatIn(page)
    await chat.press(/Presentar una queja/)
    await chat.press(/^Salud/)
    await chat.press(/Falta de medicamentos/)
    await chat.say('guatemala')
    await chat.say('mixco')
    await chat.say('Centro de Salud de Mixco')
    await chat.say('no')
    await chat.say('No había vacunas para mi bebé y nos mandaron a otro centro.')

    await attach(page, { name: 'receta.png', mimeType: 'image/png', buffer: tinyPng(64, 64) })
    await expect.poll(() => page.getByTestId('attach-preview').isVisible()).toBe(true)
    const posted: string[] = []
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/webchat/messages')) posted.push(request.postData() ?? '')
    })
    await page.getByTestId('attach-cancel').click()
    expect(await page.getByTestId('attach-preview').isVisible()).toBe(false)
    expect(posted).toEqual([])
    expect(await page.getByTestId('attach').isEnabled()).toBe(true)

    await attach(page, { name: 'receta.png', mimeType: 'image/png', buffer: tinyPng(64, 64) })
    await expect.poll(() => page.getByTestId('attach-preview-image').isVisible()).toBe(true)
    expect(await seriousViolations(page)).toEqual([])
    await page.screenshot({ path: `test-results/webchat-ease-preview-kiosk-1280-${kind}.png` })
    await page.getByTestId('attach-send').click()
    await expect.poll(() => chat.botTexts()).toContainEqual('📎 Recibí su foto. Irá con su queja.')
    expect(posted.length).toBe(1)
    expect(JSON.parse(posted[0] ?? '{}')).toMatchObject({ kiosk: true, media: { mimeType: 'image/png' } })
    // the evidence question is answered: its buttons fold away, the identity question is live
    expect(await page.getByTestId('attach').isVisible()).toBe(false)
    expect(await visibleChoices(page).allTextContents()).toEqual(expect.arrayContaining([expect.stringMatching(/confidencial/i)]))
    await page.close()
  })

  it('files a whole complaint with the keyboard alone', async () => {
    const page = await freshPage(390, 844)
    const chat = chatIn(page)
    const press = async (label: RegExp) => {
      const count = await page.getByTestId('bot-message').count()
      await tabTo(page, label)
      await page.keyboard.press('Enter')
      await expect.poll(() => page.getByTestId('bot-message').count(), { timeout: 10_000 }).toBeGreaterThan(count)
    }
    await press(/Presentar una queja/)
    await press(/^Salud/)
    await press(/Falta de medicamentos/)
    await tabTo(page, 'input')
    await typeAndEnter(page, 'guatemala')
    await typeAndEnter(page, 'mixco')
    await typeAndEnter(page, 'Centro de Salud de Mixco')
    await typeAndEnter(page, 'no')
    await typeAndEnter(page, 'Nadie atiende en la ventanilla desde las siete de la mañana.')
    await press(/Seguir sin adjuntar/)
    await press(/confidencial/i)
    await tabTo(page, 'input')
    await typeAndEnter(page, 'simón')
    await typeAndEnter(page, 'va')
    await expect.poll(() => page.getByTestId('tracking-code').count()).toBe(1)
    expect(await page.getByTestId('tracking-code').textContent()).toMatch(TRACKING_CODE)
    expect(await chat.userTexts()).toContain('Seguir sin adjuntar')
    await page.screenshot({ path: `test-results/webchat-ease-keyboard-390-${kind}.png` })
    await page.close()
  })

  it('after a language change shows the menu, and the page\'s own words follow the conversation', async () => {
    const page = await freshPage(390, 844)
    const chat = chatIn(page)
    await chat.press(/Cambiar idioma/)
    await chat.press(/^English$/)
    await expect.poll(() => chat.botTexts()).toContainEqual('What would you like to do?')
    await expect.poll(() => page.evaluate<string>('document.documentElement.lang')).toBe('en')
    expect(await page.getByTestId('send').textContent()).toBe('Send')
    expect(await page.getByTestId('new-conversation').textContent()).toBe('New conversation')
    expect(await page.locator('label[for="message"]').textContent()).toBe('Type your message')
    expect(await page.getByTestId('log').getAttribute('aria-label')).toBe('Conversation')
    expect(await page.locator('.msg-bot .sr-only').first().textContent()).toBe('Diálogo says: ')
    expect(await visibleChoices(page).allTextContents()).toContain('File a complaint 📝')
    await page.screenshot({ path: `test-results/webchat-ease-english-390-${kind}.png` })

    // a reload keeps the conversation's language; "idioma es" brings Spanish back
    await page.reload()
    await expect.poll(() => page.getByTestId('send').textContent()).toBe('Send')
    await chat.say('idioma es')
    await expect.poll(() => page.getByTestId('send').textContent()).toBe('Enviar')
    expect(await page.evaluate<string>('document.documentElement.lang')).toBe('es')
    await page.close()
  })

  it('asks before a half-told complaint is left, by "menu" or by "Nueva conversación"', async () => {
    const page = await freshPage(390, 844)
    const chat = chatIn(page)
    await chat.press(/Presentar una queja/)
    await chat.press(/^Salud/)
    await chat.say('menu')
    const [warning, question] = (await chat.botTexts()).slice(-2)
    expect(warning).toContain('quedará sin enviar')
    expect(question).toContain('¿Qué pasó?')

    await page.getByTestId('new-conversation').click()
    expect(await page.getByTestId('leave-dialog').isVisible()).toBe(true)
    expect(await page.locator('#leave-title').textContent()).toBe('¿Deja esta conversación sin terminar?')
    // the safe answer has the focus: Enter by mistake keeps the conversation
    expect(await page.evaluate<string | undefined>('document.activeElement.dataset.testid')).toBe('leave-no')
    expect(await seriousViolations(page)).toEqual([])
    await page.screenshot({ path: `test-results/webchat-ease-leave-390-${kind}.png` })
    await page.getByTestId('leave-no').click()
    expect(await page.getByTestId('leave-dialog').isVisible()).toBe(false)
    expect(await chat.userTexts()).toEqual(['Presentar una queja 📝', 'Salud 🏥', 'menu'])

    await page.getByTestId('new-conversation').click()
    await page.getByTestId('leave-yes').click()
    await expect.poll(() => chat.userTexts()).toEqual([])
    await chat.greeted()
    // nothing begun: no question asked
    await page.getByTestId('new-conversation').click()
    expect(await page.getByTestId('leave-dialog').isVisible()).toBe(false)
    await page.close()
  })

  it('keeps the header on one line on a 360 px phone, and its help lists only citizens\' words', async () => {
    const page = await freshPage(360, 740)
    const title = await page.locator('h1').boundingBox()
    const button = await page.getByTestId('new-conversation').boundingBox()
    expect(title).not.toBeNull()
    expect(button).not.toBeNull()
    if (!title || !button) return
    // side by side: the button starts after the title, and neither wraps onto a second line
    expect(button.x).toBeGreaterThanOrEqual(title.x + title.width)
    expect(Math.abs(title.y + title.height / 2 - (button.y + button.height / 2))).toBeLessThan(4)
    expect(button.height).toBeLessThan(60)
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360)
    expect(await seriousViolations(page)).toEqual([])
    await page.screenshot({ path: `test-results/webchat-ease-header-360-${kind}.png` })

    // the citizens' help: the code in its real shape, no staff or mesa words
    await chatIn(page).say('ayuda')
    const help = (await chatIn(page).botTexts()).find((text) => text.startsWith('Estas palabras funcionan'))
    expect(help).toContain('«estado K7QM3-XHA2P»')
    for (const word of ['unirme', 'vincular', 'acuso', 'mesa']) expect(help).not.toContain(word)
    // an example is no receipt: it gets no code box
    expect(await page.getByTestId('tracking-code').count()).toBe(0)
    await page.close()
  })
})
