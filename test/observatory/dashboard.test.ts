import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { fileCases } from '../stats/seed-stats-cases.js'
import { testApp } from '../support/app.js'
import { launchChromium } from '../support/browser.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { type Served, serveOnLoopback } from '../support/serve-app.js'

// the middle of last month: a whole month, as the public tables publish them
const today = new Date()
const FILED = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 12, 15))

type Row = Record<string, string | number>
const VIEWPORTS = [
  { name: 'phone', width: 360, height: 780 },
  { name: 'desktop', width: 1280, height: 900 },
]

/**
 * Builds the month's publication where the statistics come from one (the public API then answers
 * from it); before that change, the API counts live and there is nothing to build.
 */
async function publish(database: Database): Promise<void> {
  const module: unknown = await import('../../src/stats/publication/build-publication.js').catch(() => undefined)
  const build = (module as { buildPublication?: (db: Database['db'], options: { now: Date; k: number }) => Promise<unknown> } | undefined)?.buildPublication
  if (build) await build(database.db, { now: new Date(), k: 5 })
}

describe.each(databaseKinds)('the observatory dashboard in a browser on %s', (kind) => {
  let database: Database
  let composed: Composed
  let server: Served | undefined
  let base: string
  let browser: BrowserContext
  let profile: string

  async function api(path: string): Promise<{ total: number | string; rows: Row[] }> {
    return (await (await composed.app.request(`/api/v1/stats/${path}`)).json()) as { total: number | string; rows: Row[] }
  }
  async function open(path: string, width: number, height: number): Promise<Page> {
    const page = await browser.newPage()
    await page.setViewportSize({ width, height })
    await page.goto(`${base}${path}`)
    await page.waitForSelector('body[data-ready="true"]')
    return page
  }
  /** Every table cell that carries a count: its text and the value it stands for. */
  const countCells = (page: Page) =>
    page.$$eval('td[data-value]', (cells) => cells.map((td) => ({ text: td.textContent ?? '', value: td.getAttribute('data-value') ?? '', marked: td.classList.contains('withheld') })))

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database)
    await fileCases(database.db, 8, { sector: 'health', category: 'medicine_shortage', department: '01', municipality: '0108' }, FILED)
    await fileCases(database.db, 6, { sector: 'education', category: 'school_meals', department: '01', municipality: '0115' }, FILED)
    await fileCases(database.db, 7, { sector: 'health', category: 'care_refused', department: '09', municipality: '0901' }, FILED)
    await fileCases(database.db, 2, { sector: 'cash_transfer', category: 'payment_missing', department: '09', municipality: '0909' }, FILED)
    await publish(database)
    server = await serveOnLoopback(composed.app)
    base = server.url
    profile = mkdtempSync(join(tmpdir(), 'dialogo-chromium-'))
    browser = await launchChromium(profile)
    mkdirSync('test-results', { recursive: true })
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    rmSync(profile, { recursive: true, force: true })
    await server?.close()
    await database.close()
  })

  it.each(VIEWPORTS)('shows a withheld count as such, never as 0, on a $name', { timeout: 90_000 }, async ({ name, width, height }) => {
    const offline: string[] = []
    const page = await open('/observatorio', width, height)
    page.on('request', (request) => {
      if (!request.url().startsWith(base)) offline.push(request.url())
    })
    expect(await page.getAttribute('#total', 'data-value')).toBe(String((await api('cases?period=month&groupBy=sector')).total))
    expect(await page.textContent('h1')).toBe('Observatorio de quejas')

    await page.selectOption('#department', '09')
    await page.waitForSelector('body[data-ready="true"][data-filters="department=09"]')
    const shown = await page.$$eval('#municipalities tbody tr', (rows) =>
      rows.map((row) => [row.getAttribute('data-municipality'), row.querySelector('td:last-child')?.getAttribute('data-value')]),
    )
    const expected = (await api('cases?department=09&groupBy=municipality')).rows
    expect(shown.sort()).toEqual(expected.map((row) => [row.municipality, String(row.count)]).sort())
    // every municipality of Quetzaltenango is listed, the empty ones as 0, the two with cases withheld
    expect(shown.length).toBe(24)
    const quetzaltenango = Object.fromEntries(shown)
    expect(typeof quetzaltenango['0901'] === 'string' && /^(<5|x)$/.test(quetzaltenango['0901'])).toBe(true)
    expect(quetzaltenango['0909']).toMatch(/^(<5|x)$/)

    const cells = await countCells(page)
    const withheld = cells.filter((c) => c.value === '<5' || c.value === 'x')
    expect(withheld.length).toBeGreaterThan(0)
    for (const c of withheld) expect(c).toEqual({ text: c.value, value: c.value, marked: true })

    // the charts draw withheld counts labelled, not as zero-height zeros
    const bars = await page.evaluate(() => {
      type Dataset = { data: number[]; published?: (number | string)[] }
      const chart = (globalThis as unknown as { Chart: { getChart: (id: string) => { data: { datasets: Dataset[] } } | undefined } }).Chart.getChart('by-category')
      return (chart?.data.datasets ?? []).flatMap((d) => (d.published ?? []).map((published, i) => ({ published, drawn: d.data[i] })))
    })
    expect(bars.some((bar) => bar.published === '<5' && bar.drawn === 4)).toBe(true)
    const chartTable = await page.$$eval('#by-category-table td[data-value]', (tds) => tds.map((td) => [td.getAttribute('data-value'), td.textContent]))
    for (const [value, text] of chartTable) if (value === '<5' || value === 'x') expect(text).toBe(value)
    expect(await page.textContent('#note')).toMatch(/rayadas.*no ceros/)

    const league = await page.$$eval('#league tbody tr', (rows) => rows.map((row) => [row.getAttribute('data-unit'), row.children[1]?.getAttribute('data-value')]))
    const from = await page.getAttribute('#league', 'data-from')
    const expectedLeague = (await api(`timeliness?groupBy=unit&from=${from}`)).rows
    expect(league.sort()).toEqual(expectedLeague.map((row) => [row.unit, String(row.cases)]).sort())
    expect(await page.getAttribute('#municipalities-csv', 'href')).toBe('/api/v1/stats/cases?department=09&groupBy=municipality&format=csv')

    await page.screenshot({ path: `test-results/observatorio-${kind}-${name}.png`, fullPage: true })
    expect(offline).toEqual([])
    await page.close()
  })

  it('restores the filters and language of a shared link, and follows back and forward', { timeout: 90_000 }, async () => {
    const page = await open('/observatorio?department=09&municipality=0909&lang=en', 1280, 900)
    await page.waitForSelector('body[data-ready="true"][data-filters="department=09&municipality=0909"]')
    expect(await page.textContent('h1')).toBe('Complaints observatory')
    expect(await page.inputValue('#department')).toBe('09')
    expect(await page.inputValue('#municipality')).toBe('0909')
    const count = await page.$$eval('#municipalities tbody tr', (rows) => rows.map((row) => row.querySelector('td:last-child')?.textContent))
    expect(count).toEqual([String((await api('cases?department=09&groupBy=municipality')).rows.find((row) => row.municipality === '0909')?.count)])

    await page.selectOption('#department', '01')
    await page.waitForSelector('body[data-ready="true"][data-filters="department=01"]')
    expect(new URL(page.url()).search).toBe('?department=01&lang=en')
    await page.goBack()
    await page.waitForSelector('body[data-ready="true"][data-filters="department=09&municipality=0909"]')
    expect(await page.inputValue('#municipality')).toBe('0909')
    await page.goForward()
    await page.waitForSelector('body[data-ready="true"][data-filters="department=01"]')
    expect(await page.inputValue('#municipality')).toBe('')

    await page.click('#language')
    await page.waitForSelector('body[data-ready="true"]')
    expect(await page.textContent('h1')).toBe('Observatorio de quejas')
    expect(new URL(page.url()).searchParams.get('lang')).toBeNull()
    await page.close()
  })
})
