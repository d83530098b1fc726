import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compose } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { TRACKING_CODE } from '../../support/app.js'
import { launchChromium } from '../../support/browser.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { chatIn, conversationIdsSeenBy, storedText } from '../../support/webchat-page.js'
import { type Served, serveOnLoopback } from '../../support/serve-app.js'

/**
 * The adversary is the next person at a hospital kiosk: same browser, same screen, no skill
 * beyond reading, typing `mis datos`, opening the browser's storage or pressing Back.
 */
describe.each(databaseKinds)('the next person at a shared kiosk (%s)', (kind) => {
  let database: Database
  let server: Served | undefined
  let base: string
  let browser: BrowserContext
  let profile: string

  beforeAll(async () => {
    database = await freshDatabase(kind)
    const composed = await compose({
      database,
      config: {
        SEED_FILE: './seed/directory.json',
        SESSION_TTL_MINUTES: 60,
        DEFAULT_LOCALE: 'es',
        OUTBOX_POLL_MS: 50,
        RETENTION_DAYS: 180,
        // the server's default stays "not a kiosk": the page turns kiosk mode on with ?kiosk=1
        WEBCHAT_KIOSK: false,
        WEBCHAT_KIOSK_IDLE_MINUTES: 1,
      },
      logger: silentLogger,
    })
    server = await serveOnLoopback(composed.app)
    base = server.url
    profile = mkdtempSync(join(tmpdir(), 'dialogo-kiosk-'))
    browser = await launchChromium(profile, 'es-GT')
    mkdirSync('test-results', { recursive: true })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await database?.close()
    rmSync(profile, { recursive: true, force: true })
  })

  async function kioskPage(): Promise<Page> {
    const page = await browser.newPage()
    // the page's timers run on a clock the test can move forward; until then time flows normally
    await page.clock.install()
    return page
  }

  it('after person A files a confidential complaint, person B sees none of it: not on screen, not through mis datos, not in storage, not with Back', async () => {
    const page = await kioskPage()
    const ids = conversationIdsSeenBy(page)
    await page.goto(`${base}/?kiosk=1`)
    const historyLength = await page.evaluate<number>('history.length')
    const chat = chatIn(page)
    await chat.greeted()
    const greeting = await chat.botTexts()

    // person A
    const description = 'Me llamo Ana Quiroa Ixcot y en el centro de salud no había amoxicilina para mi hija'
    await chat.press(/queja/i)
    await chat.press(/^salud/i)
    await chat.press(/medicamentos/i)
    await chat.say('guatemala')
    await chat.say('mixco')
    await chat.say('Centro de Salud de Mixco')
    await chat.say('no')
    await chat.say(description)
    await chat.say('no')
    await chat.press(/confidencial/i)
    await chat.say('sí')
    await chat.say('sí')
    const code = TRACKING_CODE.exec((await chat.botTexts()).join('\n'))?.[0]
    expect(code, 'person A got a tracking code').toBeDefined()
    const personA = ids.values()
    expect(personA.length).toBe(1)

    // A walks away: the thanks ended the flow, so the page counts down and starts over
    await expect.poll(() => page.getByTestId('countdown').isVisible()).toBe(true)
    await page.screenshot({ path: `test-results/kiosk-after-complaint-${kind}.png` })
    await page.clock.fastForward(21_000)
    await chat.greeted()
    await expect.poll(() => chat.botTexts()).toEqual(greeting)

    // person B, at the same screen
    const html = await page.content()
    expect(html).not.toContain(code)
    expect(html).not.toContain('Quiroa')
    expect(await chat.userTexts()).toEqual([])
    await chat.say('mis datos')
    const answer = (await chat.botTexts()).join('\n')
    expect(answer).toContain('pantalla compartida')
    expect(await page.content()).not.toContain(code)
    await page.screenshot({ path: `test-results/kiosk-next-person-${kind}.png` })

    // B got a new secret; A's is nowhere in the browser's storage
    const all = ids.values()
    expect(all.length).toBe(2)
    const stored = await storedText(page)
    for (const secret of personA) expect(stored).not.toContain(secret)
    expect(stored).not.toContain(code)
    expect(stored).not.toContain('Quiroa')
    expect(stored).toBe('{}{}')

    // the reset added no history entry, and going back and forth brings nothing of A back
    expect(await page.evaluate<number>('history.length')).toBe(historyLength)
    await page.goBack()
    await page.goForward()
    await chat.greeted()
    const after = await page.content()
    expect(after).not.toContain(code)
    expect(after).not.toContain('Quiroa')
    await page.close()
  })

  it('starts over after the configured idle minutes, counting down the last 30 seconds, and a key press in the countdown keeps the conversation', async () => {
    const page = await kioskPage()
    await page.goto(`${base}/?kiosk=1`)
    const chat = chatIn(page)
    await chat.greeted()
    await chat.press(/queja/i)
    await chat.say('salud')
    const countdown = page.getByTestId('countdown')
    expect(await countdown.isVisible()).toBe(false)

    // 1 minute idle (WEBCHAT_KIOSK_IDLE_MINUTES): the last 30 seconds are counted down
    await page.clock.fastForward(31_000)
    await expect.poll(() => countdown.isVisible()).toBe(true)
    await expect.poll(() => page.getByTestId('countdown-text').textContent()).toMatch(/\b(30|29|28) s\b/)
    expect(await page.getByTestId('countdown-announce').getAttribute('aria-live')).toBe('assertive')
    await page.setViewportSize({ width: 1280, height: 800 })
    await page.screenshot({ path: `test-results/kiosk-idle-countdown-1280-${kind}.png` })
    await page.setViewportSize({ width: 360, height: 740 })
    await page.screenshot({ path: `test-results/kiosk-idle-countdown-360-${kind}.png` })

    // someone is still there: a key press cancels, and the words stay
    await page.keyboard.press('Escape')
    await expect.poll(() => countdown.isVisible()).toBe(false)
    expect(await chat.userTexts()).toEqual(['Presentar una queja 📝', 'salud'])

    // nobody touches anything for a whole minute: the page starts over for the next person
    await page.clock.fastForward(31_000)
    await expect.poll(() => countdown.isVisible()).toBe(true)
    await page.clock.fastForward(31_000)
    await expect.poll(() => chat.userTexts()).toEqual([])
    await chat.greeted()
    expect(await page.content()).not.toContain('salud</p>')
    expect(await storedText(page)).toBe('{}{}')
    await page.close()
  })
})
