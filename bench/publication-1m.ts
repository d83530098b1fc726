/**
 * The statistics publication on a large history, PostgreSQL only: seeds 1,000,000 cases
 * (BENCH_CASES to change it) in a fresh database on BENCH_DATABASE_URL (or TEST_DATABASE_URL),
 * builds the first release (every month of the history issued at once), then the next month's
 * release (one month issued, the others copied as published), and times the dashboard's public
 * questions and an observatory one as the API answers them from the stored publication, against
 * the same questions answered live from the statistics tables (the admin path) in the same run.
 *
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:publication
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { sql } from 'drizzle-orm'
import postgres from 'postgres'
import { type Database, openDatabase } from '../src/db/client.js'
import { seedDatabase } from '../src/db/seed/load-seed.js'
import { type StatsQuery, StatsQuerySchema, countCases, timeliness } from '../src/stats/index.js'
import { buildPublication } from '../src/stats/publication/build-publication.js'
import { type Audience, type PublishedQuestion, casesQuestion, leagueQuestion } from '../src/stats/publication/publication-question.js'
import { latestPublication, readPublication, twelveMonthWindow } from '../src/stats/publication/read-publication.js'
import { seedBenchCases } from './stats-seed.js'
import { time } from './timing.js'

const N = Number(process.env.BENCH_CASES ?? 1_000_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 30)
const BASELINE_RUNS = Number(process.env.BENCH_BASELINE_RUNS ?? 5)
/** the seed's history runs from June 2023 to May 2026: the first release covers up to April, the next adds May */
const FIRST = new Date('2026-05-10T12:00:00Z')
const NEXT = new Date('2026-06-10T12:00:00Z')
const K = 5

const q = (query: Record<string, string>) => StatsQuerySchema.parse(query)

/** What the route does for a public or observatory request: the newest publication, the table matched, the cells read. */
async function published(db: Database['db'], query: StatsQuery, audience: Audience, league: boolean) {
  const publication = await latestPublication(db)
  if (!publication) throw new Error('no publication')
  const question: PublishedQuestion | null = league ? leagueQuestion(query, twelveMonthWindow(publication)) : casesQuestion(query, audience)
  if (!question) throw new Error(`not a published table: ${JSON.stringify(query)}`)
  return readPublication(db, publication, question, query, audience)
}

/** The dashboard's questions (and one an observatory token asks), each with its live answer as the baseline. */
function questions(db: Database['db'], windowFrom: string) {
  const cases = (name: string, query: Record<string, string>, audience: Audience = 'public') => ({
    name,
    ours: () => published(db, q(query), audience, false),
    live: () => countCases(db, q(query), 1),
  })
  return [
    cases('cases per month by sector', { period: 'month', groupBy: 'sector' }),
    cases('cases by category in a department', { groupBy: 'category', department: '01' }),
    cases('cases by department', { groupBy: 'department' }),
    cases('cases by municipality, every department', { groupBy: 'department,municipality' }),
    cases('cases by municipality in a department', { groupBy: 'municipality', department: '01' }),
    {
      name: 'timeliness league, last twelve months',
      ours: () => published(db, q({ groupBy: 'unit', from: windowFrom }), 'public', true),
      live: () => timeliness(db, q({ groupBy: 'unit', from: windowFrom }), 1, NEXT),
    },
    cases('weeks by sector in a department (observatory)', { period: 'week', groupBy: 'sector', department: '01' }, 'observatory'),
  ]
}

const ms = (value: number) => `${value.toFixed(1).padStart(9)} ms`
const seconds = (start: number) => `${((performance.now() - start) / 1000).toFixed(1)} s`

async function postgresDatabase(adminUrl: string): Promise<Database> {
  const name = `dialogo_bench_${randomBytes(4).toString('hex')}`
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`CREATE DATABASE ${name}`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  const database = await openDatabase({ kind: 'postgres', url: url.toString() })
  return {
    ...database,
    close: async () => {
      await database.close()
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      await admin.end()
    },
  }
}

const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL
if (!pgUrl) {
  console.log('PostgreSQL only: set BENCH_DATABASE_URL (or TEST_DATABASE_URL)')
  process.exit(1)
}
const database = await postgresDatabase(pgUrl)
try {
  const db = database.db
  await seedDatabase(db, './seed/directory.json')
  let start = performance.now()
  await seedBenchCases(db, N)
  console.log(`PostgreSQL: seeded ${N.toLocaleString('en')} cases with events and statistics in ${seconds(start)}`)

  start = performance.now()
  const first = await buildPublication(db, { now: FIRST, k: K })
  console.log(
    `first release (${first.firstMonth} to ${first.lastMonth}, ${first.issued.length} months issued at once): ${seconds(start)}; ` +
      `${first.cells.toLocaleString('en')} cells, ${first.small.toLocaleString('en')} "<5", ${first.complementary.toLocaleString('en')} "x", ${first.unprotected} unprotected`,
  )
  start = performance.now()
  const next = await buildPublication(db, { now: NEXT, k: K })
  console.log(
    `next month's release (${next.issued.join(', ')} issued, ${next.copied.toLocaleString('en')} cells copied): ${seconds(start)}; ` +
      `${next.cells.toLocaleString('en')} new cells, ${next.small} "<5", ${next.complementary} "x", ${next.unprotected} unprotected`,
  )
  const [stored] = await db.select({ n: sql<number>`count(*)::int` }).from(sql`stats_publication_cells`).where(sql`publication_id = ${next.id}::uuid`)
  console.log(`stored cells of the release: ${(stored?.n ?? 0).toLocaleString('en')}`)

  const latest = await latestPublication(db)
  if (!latest) throw new Error('no publication')
  const windowFrom = `${twelveMonthWindow(latest) ?? ''}-01`
  console.log(`\n${'question'.padEnd(48)} ${'published p50'.padStart(14)} ${'p95'.padStart(12)} ${'live p50'.padStart(12)} ${'p95'.padStart(12)}  live/published`)
  for (const question of questions(db, windowFrom)) {
    const ours = await time(RUNS, question.ours)
    const live = await time(BASELINE_RUNS, question.live)
    console.log(`${question.name.padEnd(48)} ${ms(ours.p50)}    ${ms(ours.p95)} ${ms(live.p50)} ${ms(live.p95)}  ${(live.p50 / ours.p50).toFixed(1).padStart(8)}x`)
  }
} finally {
  await database.close()
}
