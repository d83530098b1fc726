import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Composed, compose } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { webchatConversation } from '../../support/app.js'
import { launchChromium } from '../../support/browser.js'
import { freshDatabase } from '../../support/database.js'
import { type Served, serveOnLoopback } from '../../support/serve-app.js'
import { silentLogger } from '../../support/tiny-engine.js'
import { HOLA_OGG, recordingsDir } from './recordings-dir.js'

type AnsweredReply = { text: string; audio?: { url: string; mimeType: string } }

// The web chat's part of audio prompts: the answer names the recording, the page plays it.
describe('audio prompts in the web chat', () => {
  let database: Database
  let composed: Composed
  let folder: ReturnType<typeof recordingsDir>

  beforeAll(async () => {
    folder = recordingsDir({ 'es/menu.prompt.ogg': 'ogg', 'en/menu.prompt.ogg': 'ogg' })
    database = await freshDatabase('pglite')
    composed = await compose({
      database,
      config: { SEED_FILE: './seed/directory.json', SESSION_TTL_MINUTES: 60, DEFAULT_LOCALE: 'es', OUTBOX_POLL_MS: 50, RETENTION_DAYS: 180, AUDIO_PROMPTS_DIR: folder.dir },
      logger: silentLogger,
    })
  })
  afterAll(async () => {
    await database?.close()
    folder?.remove()
  })

  it('names the recording of a recorded message in the answer, and none beside the others', async () => {
    const chat = webchatConversation(composed.app, 'audio-answer')
    const replies: AnsweredReply[] = await chat.say('hola')
    const question = replies.find((reply) => reply.text.includes('¿Qué desea hacer?'))
    expect(question?.audio).toEqual({ url: 'audio/es/menu.prompt.ogg', mimeType: 'audio/ogg' })
    expect(replies.filter((reply) => reply.audio !== undefined)).toHaveLength(1)
  })

  it('serves the named recording from the app, with its type', async () => {
    const response = await composed.app.request('/audio/es/menu.prompt.ogg')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('audio/ogg')
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(Buffer.from(await response.arrayBuffer())).toEqual(readFileSync(HOLA_OGG))
    expect((await composed.app.request('/audio/es/..%2F..%2Fpackage.json')).status).toBe(404)
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

    it('shows a labelled play button under the recorded question that loads the recording', async () => {
      const page = await browser.newPage()
      await page.goto(`${served.url}/`)
      await page.getByTestId('input').fill('hola')
      await page.getByTestId('send').click()
      const player = page.getByTestId('prompt-audio')
      await expect.poll(() => player.count(), { timeout: 10_000 }).toBe(1)
      expect(await player.getAttribute('aria-label')).toBe('Escuchar este mensaje')
      expect(await page.evaluate<boolean>(`document.querySelector('[data-testid="prompt-audio"]').controls === true`)).toBe(true)
      // it sits with the question it says, not with the welcome
      const bubble = page.locator('.msg', { has: player }).getByTestId('bot-message')
      expect(await bubble.textContent()).toContain('¿Qué desea hacer?')
      // the browser can fetch and decode it under the page's security policy
      const duration = await page.evaluate<number>(`new Promise((resolve, reject) => {
        const node = document.querySelector('[data-testid="prompt-audio"]')
        node.addEventListener('loadedmetadata', () => resolve(node.duration), { once: true })
        node.addEventListener('error', () => reject(new Error('audio error ' + (node.error ? node.error.code : '?'))), { once: true })
        node.load()
      })`)
      expect(duration).toBeGreaterThan(0)
      await page.screenshot({ path: 'test-results/webchat-audio-prompt.png' })
      await page.close()
    })
  })
})
