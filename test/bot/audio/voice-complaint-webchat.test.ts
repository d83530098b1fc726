import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { eq } from 'drizzle-orm'
import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Composed } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { cases, media } from '../../../src/db/schema/index.js'
import { TRACKING_CODE, testApp, webchatConversation } from '../../support/app.js'
import { launchChromium } from '../../support/browser.js'
import { freshDatabase } from '../../support/database.js'
import { type Served, serveOnLoopback } from '../../support/serve-app.js'
import { chatIn } from '../../support/webchat-page.js'
import { HOLA_OGG } from './recordings-dir.js'

// The web chat's part of voice-note complaints: the page offers the recording, the intake keeps it.
describe('a complaint told in a voice note, through the web chat', () => {
  let database: Database
  let composed: Composed

  beforeAll(async () => {
    database = await freshDatabase('pglite')
    composed = await testApp(database)
  })
  afterAll(async () => {
    await database?.close()
  })

  it('says the description question takes a voice note, and files the recording sent there for listening', async () => {
    const chat = webchatConversation(composed.app, 'voice-webchat')
    for (const answer of ['hola', '1', 'salud', 'medicamentos', 'guatemala', 'mixco', 'Centro de Salud de Mixco']) await chat.say(answer)
    const asked = await chat.say('no')
    expect(asked.at(-1)).toMatchObject({ expects: 'text', takesVoice: true })
    const told = await chat.attach('audio/ogg', readFileSync(HOLA_OGG))
    expect(told.map((reply) => reply.text).join('\n')).toContain('Recibí su nota de voz')
    await chat.say('no')
    await chat.say('anónimo')
    const done = await chat.say('sí')
    const code = TRACKING_CODE.exec(done.map((reply) => reply.text).join('\n'))?.[0] ?? ''
    const [row] = await database.db.select().from(cases).where(eq(cases.code, code))
    expect(row).toMatchObject({ needsListening: true, identityMode: 'anonymous', contactId: null })
    const files = await database.db.select({ kind: media.kind, mimeType: media.mimeType }).from(media).where(eq(media.caseId, row?.id ?? ''))
    expect(files).toEqual([{ kind: 'audio', mimeType: 'audio/ogg' }])
  })

  describe('in a browser', () => {
    let served: Served
    let browser: BrowserContext
    let profile: string

    beforeAll(async () => {
      served = await serveOnLoopback(composed.app)
      profile = mkdtempSync(join(tmpdir(), 'dialogo-chromium-'))
      browser = await launchChromium(profile, 'es-GT')
      mkdirSync('test-results', { recursive: true })
    })
    afterAll(async () => {
      await browser?.close()
      await served?.close()
      rmSync(profile, { recursive: true, force: true })
    })

    it('offers "Enviar una nota de voz" at the description question, picking audio only, and sends the recording', async () => {
      const page = await browser.newPage()
      await page.goto(`${served.url}/`)
      const citizen = chatIn(page)
      await citizen.greeted()
      for (const answer of ['1', 'salud', 'medicamentos', 'guatemala', 'mixco', 'Centro de Salud de Mixco', 'no']) await citizen.say(answer)
      const button = page.getByTestId('send-voice')
      await expect.poll(() => button.isVisible()).toBe(true)
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), button.click()])
      expect(await page.getByTestId('file-picker').getAttribute('accept')).toBe('audio/*')
      await chooser.setFiles({ name: 'nota.ogg', mimeType: 'audio/ogg', buffer: readFileSync(HOLA_OGG) })
      await page.getByTestId('attach-send').click()
      await expect.poll(() => citizen.botTexts(), { timeout: 10_000 }).toContainEqual(expect.stringContaining('Recibí su nota de voz'))
      // answered: the button is gone with the question
      expect(await button.isVisible()).toBe(false)
      await page.screenshot({ path: 'test-results/webchat-voice-complaint.png' })
      await page.close()
    })
  })
})
