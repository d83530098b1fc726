/**
 * Statistics on a large history: seeds 1,000,000 cases (BENCH_CASES to change it) on PGlite and, when
 * BENCH_DATABASE_URL or TEST_DATABASE_URL is set, on PostgreSQL, then times the observatory's main
 * questions as the API answers them (running monthly counts, one-row-per-case table) against the
 * same questions asked naively of the cases and events tables, measured in the same run.
 *
 *   npm run bench:stats
 */
import { randomBytes } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { eq, sql } from 'drizzle-orm'
import postgres from 'postgres'
import { type Database, openDatabase } from '../src/db/client.js'
import { cases } from '../src/db/schema/index.js'
import { seedDatabase } from '../src/db/seed/load-seed.js'
import { countCases, StatsQuerySchema, syncCaseStats, timeliness } from '../src/stats/index.js'
import { seedBenchCases } from './stats-seed.js'
import { time } from './timing.js'

const N = Number(process.env.BENCH_CASES ?? 1_000_000)
const RUNS = Number(process.env.BENCH_RUNS ?? 15)
const BASELINE_RUNS = Number(process.env.BENCH_BASELINE_RUNS ?? 5)
const NOW = new Date('2026-11-25T12:00:00Z')
const K = 5

const q = (query: Record<string, string>) => StatsQuerySchema.parse(query)

/** The main questions: how the API answers them, and the naive query over cases and events. */
function questions(db: Database['db']) {
  return [
    {
      name: 'cases per month by sector (dashboard)',
      ours: () => countCases(db, q({ period: 'month', groupBy: 'sector' }), K),
      naive: () => db.execute(sql`select to_char(created_at at time zone 'America/Guatemala', 'YYYY-MM'), sector, count(*) from cases group by 1, 2`),
    },
    {
      name: 'cases by municipality in a department',
      ours: () => countCases(db, q({ groupBy: 'department,municipality', department: '01' }), K),
      naive: () => db.execute(sql`select m.department_code, c.municipality_code, count(*) from cases c join municipalities m on m.code = c.municipality_code where m.department_code = '01' group by 1, 2`),
    },
    {
      name: 'cases by category and status in 2025',
      ours: () => countCases(db, q({ groupBy: 'category,status', from: '2025-01-01', to: '2025-12-31' }), K),
      naive: () => db.execute(sql`select category, status, count(*) from cases where created_at >= '2025-01-01T06:00:00Z' and created_at < '2026-01-01T06:00:00Z' group by 1, 2`),
    },
    {
      name: 'cases per day by sector in a month (token)',
      ours: () => countCases(db, q({ period: 'day', groupBy: 'sector', from: '2025-11-01', to: '2025-11-30' }), K),
      naive: () => db.execute(sql`select (created_at at time zone 'America/Guatemala')::date, sector, count(*) from cases where created_at >= '2025-11-01T06:00:00Z' and created_at < '2025-12-01T06:00:00Z' group by 1, 2`),
    },
    {
      name: 'timeliness league, last 12 months (dashboard)',
      ours: () => timeliness(db, q({ groupBy: 'unit', from: '2025-06-01' }), K, NOW),
      naive: () =>
        db.execute(sql`select c.unit_id, count(*),
            percentile_cont(0.5) within group (order by extract(epoch from a.at - c.created_at) / 3600),
            percentile_cont(0.5) within group (order by extract(epoch from r.at - c.created_at) / 3600),
            count(*) filter (where r.at <= c.due_at)
          from cases c
          left join lateral (select min(at) as at from case_events e where e.case_id = c.id and e.to_status = 'acknowledged') a on true
          left join lateral (select min(at) as at from case_events e where e.case_id = c.id and e.to_status in ('resolved', 'rejected')) r on true
          where c.created_at >= '2025-06-01T06:00:00Z'
          group by c.unit_id`),
    },
    {
      name: 'timeliness league by unit, all history',
      ours: () => timeliness(db, q({ groupBy: 'unit' }), K, NOW),
      naive: () =>
        db.execute(sql`select c.unit_id, count(*),
            percentile_cont(0.5) within group (order by extract(epoch from a.at - c.created_at) / 3600),
            percentile_cont(0.9) within group (order by extract(epoch from a.at - c.created_at) / 3600),
            percentile_cont(0.5) within group (order by extract(epoch from r.at - c.created_at) / 3600),
            percentile_cont(0.9) within group (order by extract(epoch from r.at - c.created_at) / 3600),
            count(*) filter (where r.at <= c.due_at)
          from cases c
          left join (select case_id, min(at) as at from case_events where to_status = 'acknowledged' group by 1) a on a.case_id = c.id
          left join (select case_id, min(at) as at from case_events where to_status in ('resolved', 'rejected') group by 1) r on r.case_id = c.id
          group by c.unit_id`),
    },
  ]
}

const ms = (value: number) => `${value.toFixed(1).padStart(8)} ms`

async function benchOne(label: string, database: Database): Promise<void> {
  const db = database.db
  await seedDatabase(db, './seed/directory.json')
  let start = performance.now()
  await seedBenchCases(db, N)
  console.log(`\n${label}: seeded ${N.toLocaleString('en')} cases with events and statistics in ${((performance.now() - start) / 1000).toFixed(1)} s`)

  console.log(`${'question'.padEnd(52)} ${'ours p50'.padStart(11)} ${'ours p95'.padStart(11)} ${'naive p50'.padStart(11)} ${'naive p95'.padStart(11)}  naive/ours`)
  for (const question of questions(db)) {
    const ours = await time(RUNS, question.ours)
    const naive = await time(BASELINE_RUNS, question.naive)
    console.log(`${question.name.padEnd(52)} ${ms(ours.p50)} ${ms(ours.p95)} ${ms(naive.p50)} ${ms(naive.p95)}  ${(naive.p50 / ours.p50).toFixed(1).padStart(6)}x`)
  }

  // The price of running counts: one case change re-synced (what each transition pays), p50/p95.
  const sample = await db.select({ id: cases.id }).from(cases).where(sql`${cases.code} like 'BENCH-%'`).limit(200)
  const ids = sample.map((row) => row.id)
  let next = 0
  const sync = await time(ids.length - 1, () =>
    db.transaction(async (tx) => {
      const id = ids[next++ % ids.length] ?? ''
      await tx.update(cases).set({ status: 'in_progress' }).where(eq(cases.id, id))
      await syncCaseStats(tx, id)
    }),
  )
  console.log(`${'a case change with its statistics (syncCaseStats)'.padEnd(52)} ${ms(sync.p50)} ${ms(sync.p95)}`)

  start = performance.now()
  const [check] = await db
    .select({
      monthly: sql<number>`(select sum(cases) from case_stats_monthly)::int`,
      byUnit: sql<number>`(select sum(cases) from case_stats_monthly_by_unit)::int`,
      rows: sql<number>`(select count(*) from case_stats)::int`,
      monthlyRows: sql<number>`(select count(*) from case_stats_monthly)::int`,
      byUnitRows: sql<number>`(select count(*) from case_stats_monthly_by_unit)::int`,
    })
    .from(sql`(select 1) as one`)
  console.log(`consistency: statistics rows ${check?.rows}; monthly counts sum to ${check?.monthly} in ${check?.monthlyRows} rows, by unit to ${check?.byUnit} in ${check?.byUnitRows} rows (${(performance.now() - start).toFixed(0)} ms)`)
}

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

const pglite = await openDatabase({ kind: 'pglite' })
try {
  await benchOne('PGlite (in memory)', pglite)
} finally {
  await pglite.close()
}
const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL
if (pgUrl) {
  const pg = await postgresDatabase(pgUrl)
  try {
    await benchOne('PostgreSQL', pg)
  } finally {
    await pg.close()
  }
} else {
  console.log('\nPostgreSQL: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL)')
}
