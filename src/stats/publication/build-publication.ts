import { desc, inArray, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { statsPublications } from '../../db/schema/index.js'
import { type Parts, sumOfMonths, windowParts } from './derive-windows.js'
import { type MonthDue, type WindowTimes, monthlyDue, windowTimes } from './league-figures.js'
import { loadPublicationInput, releaseMonths, shiftMonth } from './load-publication-input.js'
import { MARK, type MarkCode, markSmallSums, protectLinkedCells } from './protect-linked-cells.js'
import { type MonthInput, type PublicationInput, layOutMonth } from './publication-layout.js'
import { latestPublication } from './read-publication.js'

/** What a build reports: the publication, its size and how much it had to withhold. */
export type PublicationSummary = {
  id: string
  builtAt: Date
  firstMonth: string | null
  lastMonth: string | null
  /** months issued by this build; the others were copied, frozen, from the previous release */
  issued: string[]
  copied: number
  /** cells of the months issued now, of which small ("<k") and complementary ("x") */
  cells: number
  small: number
  complementary: number
  /** equations the greedy pass could not protect from within (0 expected; logged when not) */
  unprotected: number
}

/** the stored mark of each MarkCode: both kinds of "x" are stored (and published) alike */
const MARK_NAMES = ['shown', 'small', 'complementary', 'complementary'] as const
/** Publications kept besides the newest, for a reader who is mid-way through a page. */
const KEEP = 1
const BATCH = 20_000

const round1 = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10)
const label = (mark: MarkCode, count: number | null, k: number): string | number => (mark === MARK.shown ? (count ?? 0) : mark === MARK.small ? `<${k}` : 'x')

/**
 * A unit's `due` figure beside its case count: a count of 1..k-1 is "<k"; otherwise shown where
 * the case count is shown (or it is 0), "x" where it is not (a shown `due` beside a withheld
 * count would be a floor under that count).
 */
function dueLabel(due: { mark: MarkCode; count: number | null }, casesShown: boolean, k: number): string | number {
  if (due.mark !== MARK.shown) return label(due.mark, null, k)
  const n = due.count ?? 0
  return n > 0 && n < k ? `<${k}` : casesShown || n === 0 ? n : 'x'
}

/**
 * The figures a unit's cell of an issued month carries, frozen with it: `due` as above and, where
 * `due` is shown and at least k, the on-time cases behind it (what the share over that `due`
 * gives away anyway), so that a window's share is the sum of its months'.
 */
export function monthUnitFigures(casesMark: MarkCode, f: MonthDue | undefined, k: number): Record<string, string | number> {
  const due = dueLabel({ mark: MARK.shown, count: f?.due ?? 0 }, casesMark === MARK.shown, k)
  return typeof due === 'number' && due >= k ? { due, inTime: f?.inTime ?? 0 } : { due }
}

/**
 * A league row over a window: `due` summed from the frozen months, the share on time only over
 * a `due` of at least k that every month published, and the times (worked out afresh, not counts)
 * only beside a shown case count with k or more cases behind each.
 */
export function leagueRowFigures(
  cases: { mark: MarkCode; count: number | null },
  due: Parts,
  inTime: number,
  times: WindowTimes | undefined,
  k: number,
): Record<string, string | number> {
  const shown = cases.mark === MARK.shown
  const out: Record<string, string | number> = {}
  const t = times ?? { acknowledged: 0, medianAck: null, p90Ack: null, closed: 0, medianClose: null, p90Close: null }
  const pairs: [string, number, number | null][] = [
    ['medianHoursToAcknowledge', t.acknowledged, t.medianAck],
    ['p90HoursToAcknowledge', t.acknowledged, t.p90Ack],
    ['medianHoursToResolve', t.closed, t.medianClose],
    ['p90HoursToResolve', t.closed, t.p90Close],
  ]
  for (const [name, n, value] of pairs) {
    const rounded = round1(value)
    if (shown && n >= k && rounded !== null) out[name] = rounded
  }
  const dueFigure = dueLabel(sumOfMonths(due, k), shown, k)
  out.due = dueFigure
  if (typeof dueFigure === 'number' && dueFigure >= k) out.resolvedWithinDeadlinePercent = round1((100 * inTime) / dueFigure) ?? 0
  return out
}

/** The months of `input` one at a time, each with only its own cube rows. */
function splitByMonth(input: PublicationInput): MonthInput[] {
  const rows = input.months.map((): Omit<PublicationInput['cube'][number], 'month'>[] => [])
  for (const { month, ...row } of input.cube) rows[month]?.push(row)
  return input.months.map((month, i) => ({ ...input, month, cube: rows[i] ?? [] }))
}

/**
 * Suppresses one month's tables in two stages: the public tables together, then the observatory's
 * finer tables together with them, the public marks held fixed. Whatever one audience can read of
 * the month is then one jointly protected set, and the public keeps the fuller figures it would
 * have had alone.
 */
export function suppressMonth(input: MonthInput, k: number) {
  const layout = layOutMonth(input)
  const all = layout.allCells()
  // small sums are found over every table first: a public "<k" made of two small weeks is "x" for everyone
  const primary = new Uint8Array(layout.size)
  markSmallSums(all, primary, k)
  const locked = new Uint8Array(layout.size)
  locked.fill(1, 0, layout.publicSize)
  // when only a public cell could protect an observatory equation (a shown month of two small
  // weeks), the public stage withholds it too and both stages run again
  for (let round = 0; ; round++) {
    const first = protectLinkedCells(layout.publicCells(), k, primary.subarray(0, layout.publicSize))
    const initial = new Uint8Array(layout.size)
    initial.set(primary)
    initial.set(first.marks)
    const second = protectLinkedCells(all, k, initial, locked)
    const wanted = second.lockedWanted.filter((cell) => primary[cell] === MARK.shown)
    if (wanted.length === 0 || round >= 8) return { layout, marks: second.marks, unprotected: first.unprotected + second.unprotected }
    for (const cell of wanted) primary[cell] = MARK.complementary
  }
}

type CellRecord = {
  audience: 'public' | 'observatory'
  dimension: 'total' | 'sector' | 'category' | 'unit'
  period_kind: 'all' | 'last12' | 'month' | 'week'
  geo_level: 'nation' | 'department' | 'municipality'
  department: string
  geo: string
  period: string
  code: string
  count: number | null
  mark: (typeof MARK_NAMES)[number]
  figures: Record<string, string | number> | null
}

/**
 * Builds the release at `now`. Months are the unit of publication: each whole month is issued
 * once, when it has closed (its tables suppressed together, on its own), and every later release
 * copies it as it was published, whatever happens to its cases afterwards (a late status change,
 * a reassignment, a deletion). Figures over several months (all months by sector, by category and
 * by place; the league over all months and over the last twelve) are sums of those frozen monthly
 * cells (sumOfMonths), never counted afresh. Why: a table of all months counted and suppressed
 * anew each month, subtracted from last month's, gives the new month cell for cell, withheld or
 * not; and a month counted afresh would tell, against its earlier release, what changed in it.
 * With frozen months, everything ever published is the union of months each protected on its
 * own, plus sums of them that add nothing. A release built with another k issues every month
 * afresh (a new series).
 */
export async function buildPublication(db: DbOrTx, options: { now: Date; k: number }): Promise<PublicationSummary> {
  return db.transaction((tx) => build(tx, options))
}

async function build(db: DbOrTx, options: { now: Date; k: number }): Promise<PublicationSummary> {
  const { now, k } = options
  const latest = await latestPublication(db)
  const previous = latest && latest.k === k && latest.firstMonth && latest.lastMonth ? { id: latest.id, first: latest.firstMonth, last: latest.lastMonth } : null
  const months = await releaseMonths(db, now, previous)
  const firstMonth = months.all[0] ?? null
  const lastMonth = months.all.at(-1) ?? null
  const [publication] = await db.insert(statsPublications).values({ k, builtAt: now, firstMonth, lastMonth }).returning({ id: statsPublications.id })
  if (!publication) throw new Error('the publication row was not written')

  let copied = 0
  if (previous) {
    const result = await db.execute(sql`insert into stats_publication_cells
      (publication_id, audience, dimension, period_kind, geo_level, department, geo, period, code, count, mark, figures)
      select ${publication.id}::uuid, audience, dimension, period_kind, geo_level, department, geo, period, code, count, mark, figures
      from stats_publication_cells where publication_id = ${previous.id}::uuid and period_kind in ('month', 'week')`)
    copied = rowCount(result)
  }

  let batch: CellRecord[] = []
  const flush = async () => {
    if (batch.length === 0) return
    await db.execute(sql`insert into stats_publication_cells
      (publication_id, audience, dimension, period_kind, geo_level, department, geo, period, code, count, mark, figures)
      select ${publication.id}::uuid, t.audience, t.dimension, t.period_kind, t.geo_level, t.department, t.geo, t.period, t.code, t.count, t.mark, t.figures
      from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) as t(audience text, dimension text, period_kind text, geo_level text,
        department text, geo text, period text, code text, count int, mark text, figures jsonb)`)
    batch = []
  }
  const push = async (record: CellRecord) => {
    batch.push(record)
    if (batch.length >= BATCH) await flush()
  }

  // the months that have closed since the previous release, each suppressed on its own
  const input = await loadPublicationInput(db, months.toIssue)
  const due = await monthlyDue(db, months.toIssue, now)
  let [cells, small, complementary, unprotected] = [0, 0, 0, 0]
  for (const month of splitByMonth(input)) {
    const { layout, marks, unprotected: open } = suppressMonth(month, k)
    unprotected += open
    cells += layout.size
    for (let i = 0; i < layout.size; i++) {
      const mark = (marks[i] ?? 0) as MarkCode
      if (mark === MARK.small) small++
      if (mark === MARK.complementary || mark === MARK.smallSum) complementary++
      const { block, place, period, code } = layout.describe(i)
      await push({
        audience: block.audience,
        dimension: block.dimension === 'sector' && code === '' ? 'total' : block.dimension,
        period_kind: block.periodKind,
        geo_level: place.level,
        department: place.department,
        geo: place.code,
        period,
        code,
        count: mark === MARK.shown ? (layout.values[i] ?? 0) : null,
        mark: MARK_NAMES[mark],
        figures: block.dimension === 'unit' ? monthUnitFigures(mark, due.get(month.month)?.get(code), k) : null,
      })
    }
  }
  await flush()

  // the windows, as sums of the stored (copied and new) monthly cells
  if (firstMonth && lastMonth) {
    const twelveFrom = shiftMonth(lastMonth, -11) < firstMonth ? firstMonth : shiftMonth(lastMonth, -11)
    const [parts, timesAll, timesTwelve] = await Promise.all([
      windowParts(db, publication.id, twelveFrom),
      windowTimes(db, firstMonth, lastMonth),
      windowTimes(db, twelveFrom, lastMonth),
    ])
    for (const row of parts) {
      const base = { audience: 'public' as const, dimension: row.dimension, geo_level: row.geoLevel, department: row.department, geo: row.geo, code: row.code }
      const windows: ['all' | 'last12', Parts, Parts, number, Map<string, WindowTimes>][] = [
        ['all', row.all, row.dueAll, row.inTimeAll, timesAll],
        ['last12', row.twelve, row.dueTwelve, row.inTimeTwelve, timesTwelve],
      ]
      for (const [window, counts, dueParts, inTime, times] of windows) {
        // the twelve-month window is the league's: its units and its national total only
        if (window === 'last12' && row.dimension !== 'unit' && !(row.dimension === 'total' && row.geoLevel === 'nation')) continue
        const sum = sumOfMonths(counts, k)
        await push({
          ...base,
          period_kind: window,
          period: window,
          count: sum.count,
          mark: MARK_NAMES[sum.mark],
          figures: row.dimension === 'unit' ? leagueRowFigures(sum, dueParts, inTime, times.get(row.code), k) : null,
        })
      }
    }
    await flush()
  }

  const older = await db.select({ id: statsPublications.id }).from(statsPublications).orderBy(desc(statsPublications.builtAt)).offset(1 + KEEP)
  if (older.length > 0) await db.delete(statsPublications).where(inArray(statsPublications.id, older.map((row) => row.id)))
  return { id: publication.id, builtAt: now, firstMonth, lastMonth, issued: months.toIssue, copied, cells, small, complementary, unprotected }
}

/** The rows an INSERT wrote, as either driver reports it. */
function rowCount(result: unknown): number {
  const r = result as { count?: number; affectedRows?: number }
  return Number(r.count ?? r.affectedRows ?? 0)
}
