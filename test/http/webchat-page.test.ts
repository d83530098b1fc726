import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ServerType, serve } from '@hono/node-server'
import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../../src/db/client.js'
import { testApp } from '../support/app.js'
import { launchChromium } from '../support/browser.js'
import { freshDatabase } from '../support/database.js'

describe('the web chat page in a browser', () => {
  let database: Database
  let server: ServerType
  let base: string
  let browser: BrowserContext
  let profile: string

  beforeAll(async () => {
    database = await freshDatabase('pglite')
    const composed = await testApp(database)
    server = serve({ fetch: composed.app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    profile = mkdtempSync(join(tmpdir(), 'dialogo-chromium-'))
    browser = await launchChromium(profile, 'es-GT')
  })
  afterAll(async () => {
    await browser?.close()
    server?.close()
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

    mkdirSync('test-results', { recursive: true })
    await page.screenshot({ path: 'test-results/webchat.png', fullPage: true })

    await page.reload()
    await expect.poll(() => bot.allTextContents()).toContainEqual(expect.stringContaining('¿Qué pasó?'))
  })
})
