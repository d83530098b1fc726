import { sql } from 'drizzle-orm'
import { type AnyPgColumn, index, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { departments, municipalities } from './reference.js'

export const SECTORS = ['health', 'education', 'cash_transfer'] as const
export type Sector = (typeof SECTORS)[number]

export const RULE_SOURCES = ['seed', 'api'] as const
export type RuleSource = (typeof RULE_SOURCES)[number]

/** A ministry, programme or municipality that answers for cases. */
export const institutions = pgTable('institutions', {
  id: uuid('id').primaryKey().defaultRandom(),
  code: text('code').notNull().unique(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
})

/**
 * An office of an institution that works cases (a health area, a departmental directorate). The
 * parent is where overdue cases escalate. Units are replaced, never rewritten: `validTo` closes
 * one, so history keeps who was responsible at the time.
 */
export const units = pgTable(
  'units',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    code: text('code').notNull().unique(),
    institutionId: uuid('institution_id')
      .notNull()
      .references(() => institutions.id),
    parentId: uuid('parent_id').references((): AnyPgColumn => units.id),
    name: text('name').notNull(),
    departmentCode: text('department_code').references(() => departments.code),
    municipalityCode: text('municipality_code').references(() => municipalities.code),
    validFrom: timestamp('valid_from', { withTimezone: true }).notNull().default(sql`now()`),
    validTo: timestamp('valid_to', { withTimezone: true }),
  },
  (t) => [index('units_institution_idx').on(t.institutionId)],
)

/**
 * Where a case goes: the most specific rule whose filled fields all match wins; ties go to the
 * higher priority. A rule with only a sector is that sector's catch-all.
 */
export const routingRules = pgTable(
  'routing_rules',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    sector: text('sector', { enum: SECTORS }).notNull(),
    category: text('category'),
    departmentCode: text('department_code').references(() => departments.code),
    municipalityCode: text('municipality_code').references(() => municipalities.code),
    unitId: uuid('unit_id')
      .notNull()
      .references(() => units.id),
    slaHours: integer('sla_hours').notNull(),
    priority: integer('priority').notNull().default(0),
    note: text('note'),
    /**
     * Where the rule came from: the seed loader replaces only 'seed' rules on start, so rules made
     * through the admin API survive restarts. Rows older than this column were all seed rules.
     */
    source: text('source', { enum: RULE_SOURCES }).notNull().default('seed'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('routing_rules_sector_idx').on(t.sector)],
)
