import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { parseCsv } from '../../src/db/reference/csv.js'
import { caseStats, caseStatsMonthly, caseStatsMonthlyByUnit } from '../../src/db/schema/index.js'
import { buildPublication } from '../../src/stats/publication/build-publication.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { fileCases, moveCase } from './seed-stats-cases.js'

const NOW = new Date('2026-06-01T12:00:00Z')
const JANUARY = new Date('2026-01-15T18:00:00Z')
const FEBRUARY = new Date('2026-02-10T18:00:00Z')

type Answer = {
  filters: Record<string, string>
  total: number | string
  k: number
  columns: string[]
  rows: Record<string, string | number>[]
  publication: { id: string; months: { first: string; last: string } }
}

describe.each(databaseKinds)('the statistics API on %s', (kind) => {
  let database: Database
  let composed: Composed
  let observatory: string
  let admin: string

  async function get(path: string, headers: Record<string, string> = {}) {
    return composed.app.request(`/api/v1/stats/${path}`, { headers })
  }
  async function json(path: string, token?: string): Promise<Answer> {
    const response = await get(path, token ? { authorization: `Bearer ${token}` } : {})
    expect(response.status, await response.clone().text()).toBe(200)
    return (await response.json()) as Answer
  }
  const byCode = (answer: Answer, dim: string) => Object.fromEntries(answer.rows.map((row) => [row[dim], row.count]))

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database, () => NOW)
    observatory = (await createToken(database.db, { name: 'observatorio', role: 'observatory' })).token
    admin = (await createToken(database.db, { name: 'admin', role: 'admin' })).token
    const mixco = await fileCases(database.db, 7, { sector: 'health', category: 'medicine_shortage', department: '01', municipality: '0108' }, JANUARY)
    await fileCases(database.db, 3, { sector: 'health', category: 'medicine_shortage', department: '01', municipality: '0101' }, JANUARY)
    await fileCases(database.db, 6, { sector: 'education', category: 'school_meals', department: '09', municipality: '0901' }, FEBRUARY)
    // larger counts, so that totals stay publishable beside the withheld ones
    await fileCases(database.db, 40, { sector: 'health', category: 'care_refused', department: '01', municipality: '0115' }, JANUARY)
    await fileCases(database.db, 30, { sector: 'education', category: 'school_meals', department: '09', municipality: '0902' }, FEBRUARY)
    for (const [i, code] of mixco.entries()) {
      await moveCase(database.db, code, 'acknowledged', 2 + i)
      await moveCase(database.db, code, 'resolved', 10 + i)
    }
    await buildPublication(database.db, { now: NOW, k: 5 })
  })
  afterAll(async () => {
    await database.close()
  })

  it('lists every municipality of a department, a count below 5 as "<5" and the cell that would give it away as "x"', async () => {
    const answer = await json('cases?groupBy=municipality&department=01')
    expect(answer.filters).toEqual({ department: '01' })
    expect(answer.total).toBe(50)
    expect(answer.rows).toHaveLength(17)
    const counts = byCode(answer, 'municipality')
    expect([counts['0101'], counts['0108'], counts['0115'], counts['0102']]).toEqual(['<5', 'x', 'x', 0])
    expect(JSON.stringify(answer)).not.toMatch(/"count":3\b|"count":7\b/)
  })

  it('refuses the filter that used to give the withheld cell away, naming the public tables', async () => {
    for (const path of ['cases?municipality=0108', 'cases?groupBy=category&category=medicine_shortage', 'cases?groupBy=sector&from=2026-01-01&to=2026-01-31', 'cases?period=day', 'timeliness?groupBy=unit&department=01']) {
      const response = await get(path)
      expect(response.status, path).toBe(403)
      expect(response.headers.get('content-type')).toBe('application/problem+json')
      expect(((await response.json()) as { detail: string }).detail).toContain('cases?period=month&groupBy=sector')
    }
  })

  it('counts whole months by sector, running month left out, with the publication it was read from', async () => {
    const answer = await json('cases?period=month&groupBy=sector')
    expect(answer.publication.months).toEqual({ first: '2026-01', last: '2026-05' })
    expect(answer.rows).toHaveLength(5 * 3)
    expect(answer.rows).toContainEqual({ period: '2026-01', sector: 'health', sectorName: 'health', count: 50 })
    expect(answer.rows).toContainEqual({ period: '2026-02', sector: 'education', sectorName: 'education', count: 36 })
    expect(answer.rows).toContainEqual({ period: '2026-03', sector: 'health', sectorName: 'health', count: 0 })
    expect(answer.total).toBe(86)
  })

  it('keeps the monthly counts equal to a recount of the cases', async () => {
    const recount = await database.db.select({ n: sql<number>`count(*)::int` }).from(caseStats)
    const monthly = await database.db.select({ n: sql<number>`sum(${caseStatsMonthly.cases})::int` }).from(caseStatsMonthly)
    const byUnit = await database.db.select({ n: sql<number>`sum(${caseStatsMonthlyByUnit.cases})::int` }).from(caseStatsMonthlyByUnit)
    expect(monthly[0]?.n).toBe(recount[0]?.n)
    expect(byUnit[0]?.n).toBe(recount[0]?.n)
    expect(recount[0]?.n).toBe(86)
  })

  it('gives admins exact counts from the live tables, days and free filters included', async () => {
    const days = await json('cases?period=day&groupBy=sector', admin)
    expect(days.rows).toEqual([
      { period: '2026-01-15', sector: 'health', count: 50 },
      { period: '2026-02-10', sector: 'education', count: 36 },
    ])
    expect(byCode(await json('cases?groupBy=municipality&department=01', admin), 'municipality')).toEqual({ '0101': 3, '0108': 7, '0115': 40 })
    expect(byCode(await json('cases?groupBy=status', admin), 'status')).toEqual({ resolved: 7, routed: 79 })
  })

  it('publishes the league only with figures whose counts are published, never beside a withheld count', async () => {
    const answer = await json('timeliness?groupBy=unit')
    const mixcoArea = answer.rows.find((row) => String(row.unitName).includes('Nor Occidente'))
    expect(mixcoArea?.cases).toBe('x')
    expect(mixcoArea).not.toHaveProperty('medianHoursToAcknowledge')
    expect(mixcoArea).not.toHaveProperty('resolvedWithinDeadlinePercent')
    const exact = await json('timeliness?groupBy=unit', admin)
    expect(exact.rows.find((row) => String(row.unitName).includes('Nor Occidente'))).toMatchObject({
      cases: 7,
      medianHoursToAcknowledge: 5,
      p90HoursToAcknowledge: 7.4,
      medianHoursToResolve: 13,
      due: 7,
      resolvedWithinDeadlinePercent: 100,
    })
  })

  it('answers the league over the last twelve whole months for the window the dashboard asks', async () => {
    const twelve = await json('timeliness?groupBy=unit&from=2025-06-01')
    expect(twelve.total).toBe(86)
    expect((await get('timeliness?groupBy=unit&from=2025-07-01')).status).toBe(200)
    expect((await get('timeliness?groupBy=unit&from=2026-01-01')).status).toBe(403)
  })

  it('answers CSV for Accept: text/csv and for format=csv, with the filters in every row', async () => {
    for (const response of [
      await get('cases?groupBy=municipality&department=09', { accept: 'text/csv' }),
      await get('cases?groupBy=municipality&department=09&format=csv'),
    ]) {
      expect(response.headers.get('content-type')).toContain('text/csv')
      const rows = parseCsv(await response.text())
      expect(rows).toHaveLength(24)
      expect(rows).toContainEqual({ department: '09', municipality: '0903', municipalityName: 'Olintepeque', count: '0' })
    }
  })

  it('gives observatory tokens weeks and categories by month from the same publication, and refuses them the rest', async () => {
    const weeks = await json('cases?period=week&groupBy=sector&department=09', observatory)
    expect(weeks.rows).toContainEqual({ period: '2026-02-08', sector: 'education', sectorName: 'education', count: 36 })
    const months = await json('cases?period=month&groupBy=category', observatory)
    expect(months.rows.find((row) => row.period === '2026-02' && row.category === 'school_meals')?.count).toBe(36)
    expect((await get('cases?period=week')).status).toBe(403)
    expect((await get('cases?period=day', { authorization: `Bearer ${observatory}` })).status).toBe(403)
    const partner = (await createToken(database.db, { name: 'socio', role: 'partner' })).token
    expect((await get('cases', { authorization: `Bearer ${partner}` })).status).toBe(403)
    expect((await get('cases', { authorization: 'Bearer dlg_wrong' })).status).toBe(401)
  })

  it('refuses an unknown dimension with a problem document', async () => {
    const response = await get('cases?groupBy=contact')
    expect(response.status).toBe(400)
    expect(response.headers.get('content-type')).toBe('application/problem+json')
  })
})
