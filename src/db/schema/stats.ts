import { date, index, integer, pgTable, primaryKey, real, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { cases } from './cases.js'
import { SECTORS } from './directory.js'

/**
 * One narrow row per case with what statistics need, times already worked out from the events,
 * kept in step with the case in the same transaction (src/stats/sync-case-stats.ts). Percentiles
 * are read from here instead of joining millions of events at query time.
 */
export const caseStats = pgTable(
  'case_stats',
  {
    caseId: uuid('case_id')
      .primaryKey()
      .references(() => cases.id, { onDelete: 'cascade' }),
    /** the calendar day in Guatemala the case was filed */
    day: date('day', { mode: 'string' }).notNull(),
    unitId: uuid('unit_id'),
    institutionId: uuid('institution_id'),
    departmentCode: text('department_code').notNull(),
    municipalityCode: text('municipality_code').notNull(),
    sector: text('sector', { enum: SECTORS }).notNull(),
    category: text('category').notNull(),
    status: text('status').notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    hoursToAcknowledge: real('hours_to_acknowledge'),
    hoursToClose: real('hours_to_close'),
  },
  (t) => [
    index('case_stats_day_idx').on(t.day),
    index('case_stats_department_idx').on(t.departmentCode, t.day),
    index('case_stats_unit_idx').on(t.unitId),
  ],
)

/**
 * How many rows one count is spread over (`shard`): cases filed at once about the same thing (a
 * campaign, a crisis) would otherwise all wait on one row's lock until each filing commits.
 * A count is the sum over its shards; a shard alone may even be negative.
 */
export const STATS_SHARDS = 16

/**
 * Running case counts per month and dimension, updated with every case change (a case moves from
 * one key to another). Counting by month needs only this table, whatever the history's size.
 * Each count is split over `STATS_SHARDS` rows: read it summed.
 */
export const caseStatsMonthly = pgTable(
  'case_stats_monthly',
  {
    month: date('month', { mode: 'string' }).notNull(),
    unitId: uuid('unit_id').notNull(),
    institutionId: uuid('institution_id').notNull(),
    departmentCode: text('department_code').notNull(),
    municipalityCode: text('municipality_code').notNull(),
    sector: text('sector', { enum: SECTORS }).notNull(),
    category: text('category').notNull(),
    status: text('status').notNull(),
    shard: smallint('shard').notNull().default(0),
    cases: integer('cases').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.month, t.unitId, t.municipalityCode, t.category, t.status, t.sector, t.shard] }),
    index('case_stats_monthly_department_idx').on(t.departmentCode, t.month),
  ],
)

/**
 * The same running counts (sharded alike) without the municipality: an office works whole departments, so this
 * table is an order of magnitude smaller than the one above and answers every question that does
 * not group or filter by municipality (the dashboard's monthly charts, the national figures).
 */
export const caseStatsMonthlyByUnit = pgTable(
  'case_stats_monthly_by_unit',
  {
    month: date('month', { mode: 'string' }).notNull(),
    unitId: uuid('unit_id').notNull(),
    institutionId: uuid('institution_id').notNull(),
    departmentCode: text('department_code').notNull(),
    sector: text('sector', { enum: SECTORS }).notNull(),
    category: text('category').notNull(),
    status: text('status').notNull(),
    shard: smallint('shard').notNull().default(0),
    cases: integer('cases').notNull(),
  },
  (t) => [primaryKey({ columns: [t.month, t.unitId, t.departmentCode, t.category, t.status, t.sector, t.shard] })],
)
