import { sql } from 'drizzle-orm'
import type { Db } from '../src/db/client.js'

/**
 * Seeds `n` cases with generate_series in a handful of INSERT … SELECT statements: cases spread
 * over three years, every municipality and sector routed as the seed's rules route them, statuses
 * mostly closed as in an old history, with acknowledgement and closing events, and the statistics
 * tables filled as syncCaseStats would fill them. Deterministic: the same n gives the same rows.
 */
export async function seedBenchCases(db: Db, n: number): Promise<void> {
  const statements = [
    sql`create temp table bench_routes as
      select (row_number() over (order by m.code, s.sector) - 1)::int as i, m.code as muni, m.department_code as dept, s.sector,
        r.unit_id, u.institution_id, r.sla_hours,
        (select array_agg(c.code order by c.code) from categories c where c.sector in (s.sector, 'any')) as cats
      from municipalities m
      cross join (values ('health'), ('education'), ('cash_transfer')) as s(sector)
      join lateral (
        select * from routing_rules r
        where r.sector = s.sector and r.category is null
          and (r.department_code is null or r.department_code = m.department_code)
          and (r.municipality_code is null or r.municipality_code = m.code)
        order by (r.municipality_code is not null) desc, (r.department_code is not null) desc, r.priority desc
        limit 1) r on true
      join units u on u.id = r.unit_id`,
    sql`create temp table bench_src as
      select g, r.muni, r.dept, r.sector, r.unit_id, r.institution_id, r.sla_hours,
        r.cats[1 + (g * 31) % array_length(r.cats, 1)] as category,
        timestamptz '2023-06-01 06:00:00+00' + ((g::bigint * 7919) % 1576800) * interval '1 minute' as created,
        (array['resolved','resolved','resolved','resolved','resolved','resolved','resolved','resolved','resolved','resolved',
               'resolved','resolved','rejected','in_progress','in_progress','acknowledged','acknowledged','routed','routed','escalated'])[1 + (g * 13) % 20] as status,
        ((g * 17) % 96)::int as ack_h,
        ((g * 29) % 500 + 1)::int as close_h
      from generate_series(1, ${n}::int) g
      join bench_routes r on r.i = (g::bigint * 104729) % (select count(*) from bench_routes)`,
    sql`insert into cases (code, sector, category, municipality_code, facility, description, identity_mode, status, unit_id, due_at, created_at, updated_at)
      select 'BENCH-' || g, sector, category, muni, '', 'bench', 'anonymous', status, unit_id, created + sla_hours * interval '1 hour', created, created
      from bench_src`,
    sql`create temp table bench_ids as select s.*, c.id as case_id, c.due_at from bench_src s join cases c on c.code = 'BENCH-' || s.g`,
    sql`insert into case_events (case_id, at, actor, type, from_status, to_status, unit_id)
      select case_id, created + ack_h * interval '1 hour', 'system', 'acknowledged', 'routed', 'acknowledged', unit_id
      from bench_ids where status not in ('routed', 'escalated')`,
    sql`insert into case_events (case_id, at, actor, type, from_status, to_status, unit_id)
      select case_id, created + (ack_h + close_h) * interval '1 hour', 'system', status, 'in_progress', status, unit_id
      from bench_ids where status in ('resolved', 'rejected')`,
    sql`insert into case_stats (case_id, day, unit_id, institution_id, department_code, municipality_code, sector, category, status,
        due_at, acknowledged_at, closed_at, hours_to_acknowledge, hours_to_close)
      select case_id, (created at time zone 'America/Guatemala')::date, unit_id, institution_id, dept, muni, sector, category, status, due_at,
        case when status not in ('routed', 'escalated') then created + ack_h * interval '1 hour' end,
        case when status in ('resolved', 'rejected') then created + (ack_h + close_h) * interval '1 hour' end,
        case when status not in ('routed', 'escalated') then ack_h end,
        case when status in ('resolved', 'rejected') then ack_h + close_h end
      from bench_ids`,
    sql`insert into case_stats_monthly (month, unit_id, institution_id, department_code, municipality_code, sector, category, status, cases)
      select date_trunc('month', day)::date, unit_id, institution_id, department_code, municipality_code, sector, category, status, count(*)
      from case_stats group by 1, 2, 3, 4, 5, 6, 7, 8`,
    sql`insert into case_stats_monthly_by_unit (month, unit_id, institution_id, department_code, sector, category, status, cases)
      select month, unit_id, institution_id, department_code, sector, category, status, sum(cases)
      from case_stats_monthly group by 1, 2, 3, 4, 5, 6, 7`,
    sql`drop table bench_routes, bench_src, bench_ids`,
    sql`analyze`,
  ]
  // one transaction: the temp tables belong to one connection of the pool
  await db.transaction(async (tx) => {
    for (const statement of statements) await tx.execute(statement)
  })
}
