import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createToken } from '../../../src/auth/tokens.js'
import { loadActiveRules } from '../../../src/cases/load-rules.js'
import { routeCase } from '../../../src/cases/route-case.js'
import type { Composed } from '../../../src/compose.js'
import type { Database } from '../../../src/db/client.js'
import { type Sector, categories, municipalities, units } from '../../../src/db/schema/index.js'
import { buildPublication } from '../../../src/stats/publication/build-publication.js'
import { fileCases, moveCase } from '../../stats/seed-stats-cases.js'
import { testApp } from '../../support/app.js'
import { databaseKinds, freshDatabase } from '../../support/database.js'
import { type Constraint, attackerRanges } from './attacker-lp.js'

/**
 * The attacker: asks every statistics question the API accepts (every table, period, grouping and
 * filter, as a public client or with one observatory token) of three consecutive monthly releases,
 * keeping every answer, with new cases filed and old cases changed between the releases; writes
 * each published number of all three as a constraint on the cells of the case cube (day ×
 * municipality × sector × category, the unit following from the routing rules, which are public),
 * and for each withheld number of any release works out the smallest and largest value consistent
 * with everything published (the LP relaxation).
 *
 * "Protected" here: zeros are published as 0, so "<5" itself tells 1 to 4; nothing published may
 * narrow that (the range must still hold all of 1..k-1), and an "x" must keep at least k-1
 * possible values, as its partner "<5" does. Anything narrower is a leak.
 */
const K = 5
/** the releases, each built the month after the last one it covers */
const RELEASES = [new Date('2026-03-10T12:00:00Z'), new Date('2026-04-10T12:00:00Z'), new Date('2026-05-10T12:00:00Z')]
/** the filing days: January and February before the first release, then a new month before each next one */
const DAYS = ['2026-01-15', '2026-02-10', '2026-03-20', '2026-04-12']
const SEEDED_PLACES = ['0101', '0102', '0108', '0115', '0901']

type Leaf = { day: string; month: string; week: string; municipality: string; department: string; sector: string; category: string; unit: string }
type Months = { first: string | null; last: string | null }
type Answer = {
  filters: Record<string, string>
  groupBy: string[]
  period: string | null
  total: number | string
  rows: Record<string, string | number>[]
  /** the months a release covers, and the league's window */
  publication: { months: Months; window?: Months }
}

const weekOf = (day: string) => `${day.slice(0, 8)}${['01', '08', '15', '22'][Math.min(3, Math.floor((Number(day.slice(8)) - 1) / 7))]}`

function questions(): string[] {
  const places = ['', 'department=01', 'department=09', ...SEEDED_PLACES.map((m) => `municipality=${m}`), 'department=01&municipality=0108']
  const out: string[] = []
  for (const groupBy of ['', 'sector', 'category', 'department', 'municipality', 'department,municipality', 'sector,category', 'municipality,sector', 'unit'])
    for (const period of ['', 'month', 'week', 'day'])
      for (const place of places) out.push(`cases?${[groupBy && `groupBy=${groupBy}`, period && `period=${period}`, place].filter(Boolean).join('&')}`)
  for (const extra of ['sector=health', 'category=medicine_shortage', 'from=2026-01-01&to=2026-01-31', 'from=2026-01-15&to=2026-01-15', 'from=2026-02-01'])
    for (const groupBy of ['', 'municipality', 'sector'])
      for (const place of places) out.push(`cases?${[groupBy && `groupBy=${groupBy}`, place, extra].filter(Boolean).join('&')}`)
  // every first-of-month around the three releases' twelve-month windows
  const froms = ['', '2025-02-01', '2025-03-01', '2025-04-01', '2025-05-01', '2025-06-01', '2025-07-01', '2026-02-01']
  for (const groupBy of ['', 'unit', 'department'])
    for (const from of froms)
      for (const place of ['', 'department=01']) out.push(`timeliness?${[groupBy && `groupBy=${groupBy}`, from && `from=${from}`, place].filter(Boolean).join('&')}`)
  return out
}

/** The cube cells a published number sums: those matching the answer's filters and the row's values. */
function matcher(answer: Answer, path: string): (leaf: Leaf, row?: Record<string, string | number>) => boolean {
  for (const name of Object.keys(answer.filters))
    if (!['department', 'municipality', 'sector', 'category', 'from', 'to'].includes(name)) throw new Error(`${path}: the audit cannot model the filter ${name}`)
  for (const dim of answer.groupBy) if (dim === 'status' || dim === 'institution') throw new Error(`${path}: the audit cannot model ${dim}`)
  const f = answer.filters
  return (leaf, row) => {
    if (f.department && leaf.department !== f.department) return false
    if (f.municipality && leaf.municipality !== f.municipality) return false
    if (f.sector && leaf.sector !== f.sector) return false
    if (f.category && leaf.category !== f.category) return false
    if (f.from && leaf.day < f.from) return false
    if (f.to && leaf.day > f.to) return false
    if (!row) return true
    if (answer.period === 'month' && leaf.month !== row.period) return false
    if (answer.period === 'week' && leaf.week !== row.period) return false
    if (answer.period === 'day' && leaf.day !== row.period) return false
    return answer.groupBy.every((dim) => String(leaf[dim as keyof Leaf]) === String(row[dim]))
  }
}

/**
 * What a published number says. An "x" stands for a cell withheld to protect another (a count of
 * k or more), for a count below k that the "<k" cells it sums already put at 2 or more, or, in a
 * figure over several months, for a sum of months one of which is withheld: all a reader can tell
 * from it is "2 or more".
 */
const said = (value: string | number): [number, number] =>
  typeof value === 'number' ? [value, value] : value === `<${K}` ? [1, K - 1] : value === 'x' ? [2, Number.POSITIVE_INFINITY] : [Number.NaN, Number.NaN]

type Asked = { path: string; answer: Answer }

describe.each(databaseKinds)('an attacker differencing three consecutive releases of the published statistics on %s', (kind) => {
  let database: Database
  let composed: Composed
  let leaves: Leaf[]
  let observatory: string
  let clock = RELEASES[0] as Date
  /** every answer of every release, as the attacker saved them, without a token and with the observatory's */
  const saved: { public: Asked[]; observatory: Asked[] } = { public: [], observatory: [] }

  /** Asks every question of the release being served, keeping the answers that were given. */
  async function askEverything(token?: string): Promise<Asked[]> {
    const out: Asked[] = []
    for (const path of questions()) {
      const response = await composed.app.request(`/api/v1/stats/${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} })
      if (response.status === 200) out.push({ path, answer: (await response.json()) as Answer })
    }
    return out
  }

  beforeAll(async () => {
    database = await freshDatabase(kind)
    composed = await testApp(database, () => clock)
    observatory = (await createToken(database.db, { name: 'observatorio', role: 'observatory' })).token
    const at = (day: string) => new Date(`${day}T18:00:00Z`)
    const file = (n: number, sector: Sector, category: string, municipality: string, day: string) =>
      fileCases(database.db, n, { sector, category, department: municipality.slice(0, 2), municipality }, at(day))
    const release = async (now: Date) => {
      clock = now
      await buildPublication(database.db, { now, k: K })
      saved.public.push(...(await askEverything()))
      saved.observatory.push(...(await askEverything(observatory)))
    }
    // before the first release: January and February
    const late = await file(3, 'health', 'medicine_shortage', '0101', DAYS[0] ?? '')
    await file(7, 'health', 'medicine_shortage', '0108', DAYS[0] ?? '')
    await file(12, 'health', 'care_refused', '0115', DAYS[0] ?? '')
    await file(2, 'education', 'school_meals', '0102', DAYS[0] ?? '')
    await file(6, 'education', 'school_meals', '0901', DAYS[1] ?? '')
    await file(1, 'health', 'care_refused', '0901', DAYS[1] ?? '')
    await file(9, 'health', 'medicine_shortage', '0108', DAYS[1] ?? '')
    await release(RELEASES[0] as Date)
    // March: new cases, some in places and categories January and February had, and an old case closed late
    await file(4, 'health', 'mistreatment', '0108', DAYS[2] ?? '')
    await file(8, 'health', 'care_refused', '0115', DAYS[2] ?? '')
    await file(2, 'health', 'medicine_shortage', '0101', DAYS[2] ?? '')
    await file(1, 'education', 'school_meals', '0901', DAYS[2] ?? '')
    await moveCase(database.db, late[0] ?? '', 'resolved', 24 * 50)
    await release(RELEASES[1] as Date)
    // April: again
    await file(3, 'health', 'medicine_shortage', '0108', DAYS[3] ?? '')
    await file(6, 'education', 'school_meals', '0902', DAYS[3] ?? '')
    await file(1, 'health', 'care_refused', '0115', DAYS[3] ?? '')
    await moveCase(database.db, late[1] ?? '', 'resolved', 24 * 80)
    await release(RELEASES[2] as Date)

    // the cube the attacker reasons over: every seeded day, municipality of the two departments and category
    const rules = await loadActiveRules(database.db, clock)
    const unitCodes = new Map((await database.db.select({ id: units.id, code: units.code }).from(units)).map((u) => [u.id, u.code]))
    const munis = (await database.db.select().from(municipalities)).filter((m) => ['01', '09'].includes(m.departmentCode))
    const cats = await database.db.select().from(categories)
    leaves = []
    for (const day of DAYS)
      for (const m of munis)
        for (const sector of ['health', 'education', 'cash_transfer'] as const)
          for (const c of cats.filter((c) => c.sector === sector || c.sector === 'any')) {
            const route = routeCase({ sector, category: c.code, departmentCode: m.departmentCode, municipalityCode: m.code }, rules)
            leaves.push({ day, month: day.slice(0, 7), week: weekOf(day), municipality: m.code, department: m.departmentCode, sector, category: c.code, unit: unitCodes.get(route?.rule.unitId ?? '') ?? '' })
          }
  }, 600_000)
  afterAll(async () => {
    await database.close()
  })

  /** The saved answers as constraints on the cube, and the withheld numbers (with what their label says). */
  function constraintsOf(asked: readonly Asked[]) {
    const constraints: Constraint[] = []
    const withheld: { where: string; cells: number[]; label: string }[] = []
    for (const { path, answer } of asked) {
      const match = matcher(answer, path)
      // a release speaks of its own months only (the league of its window): later cases are not in it
      const { first, last } = answer.publication.window ?? answer.publication.months
      const inScope = leaves.flatMap((leaf, i) => (first !== null && last !== null && leaf.month >= first && leaf.month <= last && match(leaf) ? [i] : []))
      const count = path.startsWith('timeliness') ? 'cases' : 'count'
      const release = answer.publication.months.last ?? '?'
      const publish = (cells: number[], value: string | number, where: string) => {
        const [min, max] = said(value)
        expect(Number.isNaN(min), `${where}: ${String(value)}`).toBe(false)
        constraints.push({ cells, min, max })
        if (typeof value === 'string') withheld.push({ where: `release to ${release}: ${where}`, cells, label: value })
      }
      const covered = new Set<number>()
      for (const row of answer.rows) {
        const cells = inScope.filter((i) => match(leaves[i] as Leaf, row))
        cells.forEach((i) => covered.add(i))
        publish(cells, row[count] ?? 0, `${path} ${JSON.stringify(row)}`)
        // a unit's published due count is a floor under its case count
        if (typeof row.due === 'number') constraints.push({ cells, min: row.due, max: Number.POSITIVE_INFINITY })
      }
      // a row left out of an answer is a zero
      const missing = inScope.filter((i) => !covered.has(i))
      if (answer.groupBy.length > 0 || answer.period) constraints.push({ cells: missing, min: 0, max: 0 })
      publish(inScope, answer.total, `${path} total`)
    }
    return { constraints, withheld }
  }

  async function leaks(asked: readonly Asked[]): Promise<string[]> {
    const { constraints, withheld } = constraintsOf(asked)
    const unique = [...new Map(withheld.map((w) => [`${w.label}:${w.cells.join(',')}`, w])).values()]
    expect(unique.length).toBeGreaterThan(0)
    const ranges = await attackerRanges(constraints, unique.map((w) => w.cells))
    return unique.flatMap((w, i) => {
      const [low, high] = ranges[i] ?? [0, 0]
      const wide = w.label === 'x' ? high - low >= K - 2 - 1e-6 : low <= 1 + 1e-6 && high >= K - 1 - 1e-6
      return wide ? [] : [`${w.where}: ${w.label} is between ${low} and ${high}`]
    })
  }

  it('asked every release, and each release answered from its own months', () => {
    const lasts = new Set(saved.public.map(({ answer }) => answer.publication.months.last))
    expect([...lasts].sort()).toEqual(['2026-02', '2026-03', '2026-04'])
  })

  it('cannot narrow any withheld public number of any release below what its label says, whatever it asks of the three releases without a token', { timeout: 300_000 }, async () => {
    expect(await leaks(saved.public)).toEqual([])
  })

  it('cannot narrow any withheld number of any release either with everything one observatory token may ask of the three releases', { timeout: 300_000 }, async () => {
    expect(await leaks([...saved.public, ...saved.observatory])).toEqual([])
  })
})
