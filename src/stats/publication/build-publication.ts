import { desc, inArray, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../db/client.js'
import { statsPublications } from '../../db/schema/index.js'
import { type LeagueRow, leagueFigures } from './league-figures.js'
import { loadPublicationInput } from './load-publication-input.js'
import { MARK, type MarkCode, protectLinkedCells } from './protect-linked-cells.js'
import { type PublicationInput, layOutPublication } from './publication-layout.js'

/** What a build reports: the publication, its size and how much it had to withhold. */
export type PublicationSummary = {
  id: string
  builtAt: Date
  firstMonth: string | null
  lastMonth: string | null
  cells: number
  small: number
  complementary: number
  /** equations the greedy pass could not protect from within (0 expected; logged when not) */
  unprotected: number
}

const MARK_NAMES = ['shown', 'small', 'complementary'] as const
/** Publications kept besides the newest, for a reader who is mid-way through a page. */
const KEEP = 1
const BATCH = 20_000

const round1 = (value: number | null) => (value === null ? null : Math.round(value * 10) / 10)

/**
 * A league row's derived figures, published only where the counts behind them are: the `due`
 * count when its unit's case count is shown and it is not itself small, the on-time share only
 * over a published `due` of at least k, times only over k or more acknowledged (closed) cases
 * of a shown row. None of them then lets a withheld count be worked out.
 */
export function leagueRowFigures(casesMark: MarkCode, row: LeagueRow | undefined, k: number): Record<string, string | number> {
  const f = row ?? { due: 0, inTime: 0, acknowledged: 0, medianAck: null, p90Ack: null, closed: 0, medianClose: null, p90Close: null }
  const shown = casesMark === MARK.shown
  const out: Record<string, string | number> = {}
  const due = f.due > 0 && f.due < k ? `<${k}` : shown || f.due === 0 ? f.due : 'x'
  out.due = due
  const times: [string, number, number | null][] = [
    ['medianHoursToAcknowledge', f.acknowledged, f.medianAck],
    ['p90HoursToAcknowledge', f.acknowledged, f.p90Ack],
    ['medianHoursToResolve', f.closed, f.medianClose],
    ['p90HoursToResolve', f.closed, f.p90Close],
  ]
  for (const [name, n, value] of times) {
    const rounded = round1(value)
    if (shown && n >= k && rounded !== null) out[name] = rounded
  }
  if (typeof due === 'number' && due >= k) out.resolvedWithinDeadlinePercent = round1((100 * f.inTime) / due) ?? 0
  return out
}

/**
 * Suppresses the publication's tables in two stages: the public tables together, then the
 * observatory's finer tables together with them, the public marks held fixed. Whatever one
 * audience can read is then one jointly protected set, and the public keeps the fuller figures
 * it would have had alone.
 */
export function suppressPublication(input: PublicationInput, k: number) {
  const layout = layOutPublication(input)
  const first = protectLinkedCells(layout.publicCells(), k)
  const initial = new Uint8Array(layout.size)
  initial.set(first.marks)
  const locked = new Uint8Array(layout.size)
  locked.fill(1, 0, layout.publicSize)
  const second = protectLinkedCells(layout.allCells(), k, initial, locked)
  return { layout, marks: second.marks, unprotected: first.unprotected + second.unprotected }
}

/**
 * Builds a publication at `now`: every whole month up to the last one, all tables of both
 * audiences suppressed jointly (suppressPublication), stored in their published form, and the
 * publications before the previous one deleted.
 */
export async function buildPublication(db: DbOrTx, options: { now: Date; k: number }): Promise<PublicationSummary> {
  const { now, k } = options
  const input = await loadPublicationInput(db, now)
  const { layout, marks, unprotected } = suppressPublication(input, k)
  const firstMonth = input.months[0] ?? null
  const lastMonth = input.months.at(-1) ?? null
  const [lastTwelveFirst, lastTwelveLast] = [input.lastTwelve[0], input.lastTwelve.at(-1)]
  const [leagueAll, leagueTwelve] =
    firstMonth && lastMonth && lastTwelveFirst && lastTwelveLast
      ? await Promise.all([leagueFigures(db, firstMonth, lastMonth, now), leagueFigures(db, lastTwelveFirst, lastTwelveLast, now)])
      : [new Map<string, LeagueRow>(), new Map<string, LeagueRow>()]

  const [publication] = await db.insert(statsPublications).values({ k, builtAt: now, firstMonth, lastMonth }).returning({ id: statsPublications.id })
  if (!publication) throw new Error('the publication row was not written')
  let small = 0
  let complementary = 0
  let batch: unknown[] = []
  const flush = async () => {
    if (batch.length === 0) return
    await db.execute(sql`insert into stats_publication_cells
      (publication_id, audience, dimension, period_kind, geo_level, department, geo, period, code, count, mark, figures)
      select ${publication.id}::uuid, t.audience, t.dimension, t.period_kind, t.geo_level, t.department, t.geo, t.period, t.code, t.count, t.mark, t.figures
      from jsonb_to_recordset(${JSON.stringify(batch)}::jsonb) as t(audience text, dimension text, period_kind text, geo_level text,
        department text, geo text, period text, code text, count int, mark text, figures jsonb)`)
    batch = []
  }
  for (let i = 0; i < layout.size; i++) {
    const mark = (marks[i] ?? 0) as MarkCode
    if (mark === MARK.small) small++
    if (mark === MARK.complementary) complementary++
    const { block, place, period, code } = layout.describe(i)
    const dimension = block.dimension === 'sector' && code === '' ? 'total' : block.dimension
    const league = block.dimension === 'unit' ? (block.periodKind === 'all' ? leagueAll : leagueTwelve) : null
    batch.push({
      audience: block.audience,
      dimension,
      period_kind: block.periodKind,
      geo_level: place.level,
      department: place.department,
      geo: place.code,
      period,
      code,
      count: mark === MARK.shown ? (layout.values[i] ?? 0) : null,
      mark: MARK_NAMES[mark],
      figures: league ? leagueRowFigures(mark, league.get(code), k) : null,
    })
    if (batch.length >= BATCH) await flush()
  }
  await flush()
  const older = await db.select({ id: statsPublications.id }).from(statsPublications).orderBy(desc(statsPublications.builtAt)).offset(1 + KEEP)
  if (older.length > 0) await db.delete(statsPublications).where(inArray(statsPublications.id, older.map((row) => row.id)))
  return { id: publication.id, builtAt: now, firstMonth, lastMonth, cells: layout.size, small, complementary, unprotected }
}
