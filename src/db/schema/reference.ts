import { doublePrecision, integer, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core'

/** Guatemala's departments (INE two-digit codes). */
export const departments = pgTable('departments', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
})

/** Guatemala's municipalities (INE four-digit codes) with a point inside each. */
export const municipalities = pgTable('municipalities', {
  code: text('code').primaryKey(),
  name: text('name').notNull(),
  departmentCode: text('department_code')
    .notNull()
    .references(() => departments.code),
  latitude: doublePrecision('latitude').notNull(),
  longitude: doublePrecision('longitude').notNull(),
})

/** Names people type for a municipality ("xela"), lower case without accents. */
export const municipalityAliases = pgTable('municipality_aliases', {
  alias: text('alias').primaryKey(),
  municipalityCode: text('municipality_code')
    .notNull()
    .references(() => municipalities.code),
})

/** Complaint categories per sector (`any` = offered in every sector), labels per language. */
export const categories = pgTable(
  'categories',
  {
    sector: text('sector').notNull(),
    code: text('code').notNull(),
    labels: jsonb('labels').$type<Record<string, string>>().notNull(),
    position: integer('position').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.sector, t.code] })],
)
