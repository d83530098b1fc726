import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../src/auth/tokens.js'
import type { Composed } from '../../src/compose.js'
import type { Database } from '../../src/db/client.js'
import { parseCsv } from '../../src/db/reference/csv.js'
import { caseStats, caseStatsMonthly, caseStatsMonthlyByUnit } from '../../src/db/schema/index.js'
import { testApp } from '../support/app.js'
import { databaseKinds, freshDatabase } from '../support/database.js'
import { fileCases, moveCase } from './seed-stats-cases.js'

const NOW = new Date('2026-06-01T12:00:00Z')
const JANUARY = new Date('2026-01-15T18:00:00Z')
const FEBRUARY = new Date('2026-02-10T18:00:00Z')

type Answer = { filters: Record<string, string>; total: number | string; k: number; rows: Record<string, string | number>[] }

describe.each(databaseKinds)('the statistics API on %s', (kind) => {
  let database: Database
  let composed: Composed
  let observatory: string

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
    const mixco = await fileCases(database.db, 7, { sector: 'health', category: 'medicine_shortage', department: '01', municipality: '0108' }, JANUARY)
    await fileCases(database.db, 3, { sector: 'health', category: 'medicine_shortage', department: '01', municipality: '0101' }, JANUARY)
    await fileCases(database.db, 6, { sector: 'education', category: 'school_meals', department: '09', municipality: '0901' }, FEBRUARY)
    for (const [i, code] of mixco.entries()) {
      await moveCase(database.db, code, 'acknowledged', 2 + i)
      await moveCase(database.db, code, 'resolved', 10 + i)
    }
  })
  afterAll(async () => {
    await database.close()
  })

  it('counts by municipality, showing a count below 5 as "<5" and withholding the cell that would give it away', async () => {
    const answer = await json('cases?groupBy=municipality&department=01')
    expect(answer.filters).toEqual({ department: '01' })
    expect(answer.total).toBe(10)
    // 10 - 7 would reveal the 3 of Guatemala City: Mixco's 7 is withheld too
    expect(byCode(answer, 'municipality')).toEqual({ '0101': '<5', '0108': 'x' })
    expect(JSON.stringify(answer)).not.toMatch(/"count":3\b|"count":7\b/)
  })

  it('withholds the next-smallest cell across departments (the complementary cell)', async () => {
    const answer = await json('cases?groupBy=municipality')
    expect(answer.total).toBe(16)
    expect(byCode(answer, 'municipality')).toEqual({ '0101': '<5', '0108': 7, '0901': 'x' })
  })

  it('counts by month and sector from the running monthly counts by unit', async () => {
    const answer = await json('cases?period=month&groupBy=sector')
    expect(answer.rows).toEqual([
      { period: '2026-01', sector: 'health', count: 10 },
      { period: '2026-02', sector: 'education', count: 6 },
    ])
  })

  it('moves a case between statuses in the counts when it changes', async () => {
    const answer = await json('cases?groupBy=status')
    expect(byCode(answer, 'status')).toEqual({ resolved: 7, routed: 9 })
  })

  it('keeps the monthly counts equal to a recount of the cases', async () => {
    const recount = await database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(caseStats)
    const monthly = await database.db.select({ n: sql<number>`sum(${caseStatsMonthly.cases})::int` }).from(caseStatsMonthly)
    const byUnit = await database.db.select({ n: sql<number>`sum(${caseStatsMonthlyByUnit.cases})::int` }).from(caseStatsMonthlyByUnit)
    expect(monthly[0]?.n).toBe(recount[0]?.n)
    expect(byUnit[0]?.n).toBe(recount[0]?.n)
    expect(recount[0]?.n).toBe(16)
  })

  it('gives the same figures by day (case by case) as by month (running counts)', async () => {
    const days = await json('cases?period=day&groupBy=sector', observatory)
    expect(days.rows).toEqual([
      { period: '2026-01-15', sector: 'health', count: 10 },
      { period: '2026-02-10', sector: 'education', count: 6 },
    ])
    const range = await json('cases?groupBy=sector&from=2026-01-15&to=2026-01-31')
    expect(range.rows).toEqual([{ sector: 'health', count: 10 }])
  })

  it('gives median and 90th percentile times and the share resolved on time per unit', async () => {
    const answer = await json('timeliness?groupBy=unit')
    const mixcoArea = answer.rows.find((row) => row.cases === 7)
    // acknowledged after 2..8 hours and resolved after 10..16 hours, all before the deadline
    expect(mixcoArea).toMatchObject({ medianHoursToAcknowledge: 5, p90HoursToAcknowledge: 7.4, medianHoursToResolve: 13, due: 7, resolvedWithinDeadlinePercent: 100 })
    expect(String(mixcoArea?.unitName)).toContain('Nor Occidente')
    // three cases are too few for a median or a share
    const small = answer.rows.find((row) => row.cases === '<5')
    expect(small).toBeDefined()
    expect(small).not.toHaveProperty('medianHoursToAcknowledge')
    expect(small).not.toHaveProperty('resolvedWithinDeadlinePercent')
  })

  it('answers CSV for Accept: text/csv and for format=csv, with the filters in every row', async () => {
    for (const response of [
      await get('cases?groupBy=municipality&sector=health', { accept: 'text/csv' }),
      await get('cases?groupBy=municipality&sector=health&format=csv'),
    ]) {
      expect(response.headers.get('content-type')).toContain('text/csv')
      expect(parseCsv(await response.text())).toEqual([
        { sector: 'health', municipality: '0101', municipalityName: 'Guatemala', count: '<5' },
        { sector: 'health', municipality: '0108', municipalityName: 'Mixco', count: 'x' },
      ])
    }
  })

  it('keeps days, weeks and more than two dimensions for tokens of observatories and admins', async () => {
    expect((await get('cases?period=week')).status).toBe(403)
    expect((await get('cases?groupBy=sector,category,municipality')).status).toBe(403)
    expect((await get('cases?period=week', { authorization: `Bearer ${observatory}` })).status).toBe(200)
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
