import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type ServerType, serve } from '@hono/node-server'
import type { BrowserContext } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { fileCases } from '../stats/seed-stats-cases.js'
import { testApp } from '../support/app.js'
import { launchChromium } from '../support/browser.js'
import { databaseKinds, freshDatabase } from '../support/database.js'

// recent, so the dashboard's twelve-month league table includes the cases whenever the test runs
const FILED = new Date(Date.now() - 20 * 86_400_000)

type Row = Record<string, string | number>

describe.each(databaseKinds)('the observatory dashboard in a browser on %s', (kind) => {
  let database: Database
  let composed: Composed
  let server: ServerType
  let base: string
  let browser: BrowserContext
  let profile: string

  async function api(path: string): Promise<{ total: number | string; rows: Row[] }> {
    return (await (await composed.app.request(`/api/v1/stats/${path}`)).json()) as { total: number | string; rows: Row[] }
  }

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
    await fileCases(database.db, 8, { sector: 'health', category: 'medicine_shortage', department: '01', municipality: '0108' }, FILED)
    await fileCases(database.db, 6, { sector: 'education', category: 'school_meals', department: '01', municipality: '0115' }, FILED)
    await fileCases(database.db, 7, { sector: 'health', category: 'care_refused', department: '09', municipality: '0901' }, FILED)
    await fileCases(database.db, 2, { sector: 'cash_transfer', category: 'payment_missing', department: '09', municipality: '0909' }, FILED)
    server = serve({ fetch: composed.app.fetch, port: 0, hostname: '127.0.0.1' })
    await new Promise<void>((resolve) => server.once('listening', () => resolve()))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    profile = mkdtempSync(join(tmpdir(), 'dialogo-chromium-'))
    browser = await launchChromium(profile)
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    rmSync(profile, { recursive: true, force: true })
    await new Promise((resolve) => server.close(resolve))
    await database.close()
  })

  it('shows the public figures, filters by department and matches the API', { timeout: 90_000 }, async () => {
    const page = await browser.newPage()
    const offline: string[] = []
    page.on('request', (request) => {
      if (!request.url().startsWith(base)) offline.push(request.url())
    })
    await page.goto(`${base}/observatorio`)
    await page.waitForSelector('body[data-ready="true"]')
    expect(await page.getAttribute('#total', 'data-value')).toBe(String((await api('cases?groupBy=department,municipality')).total))
    expect(await page.textContent('h1')).toBe('Observatorio de quejas')

    await page.selectOption('#department', '09')
    await page.waitForSelector('body[data-ready="true"][data-filters="department=09"]')
    const shown = await page.$$eval('#municipalities tbody tr', (rows) =>
      rows.map((row) => [row.getAttribute('data-municipality'), row.querySelector('td:last-child')?.getAttribute('data-value')]),
    )
    const expected = (await api('cases?groupBy=department,municipality&department=09')).rows
    expect(shown.sort()).toEqual(expected.map((row) => [row.municipality, String(row.count)]).sort())
    // 7 in Quetzaltenango and 2 in another municipality: "<5" and the protecting "x"
    expect(shown.map(([, count]) => count).sort()).toEqual(['<5', 'x'])

    const league = await page.$$eval('#league tbody tr', (rows) => rows.map((row) => [row.getAttribute('data-unit'), row.children[1]?.getAttribute('data-value')]))
    const from = await page.getAttribute('#league', 'data-from')
    const expectedLeague = (await api(`timeliness?groupBy=unit&department=09&from=${from}`)).rows
    expect(league.sort()).toEqual(expectedLeague.map((row) => [row.unit, String(row.cases)]).sort())

    mkdirSync('test-results', { recursive: true })
    await page.screenshot({ path: `test-results/observatorio-${kind}.png`, fullPage: true })

    await page.click('#language')
    await page.waitForSelector('body[data-ready="true"]')
    expect(await page.textContent('h1')).toBe('Complaints observatory')
    expect(offline).toEqual([])
    await page.close()
  })
})
