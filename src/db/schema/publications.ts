import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/**
 * A release of the statistics: fixed tables over whole months, suppressed together and stored, so
 * that what the public and observatory tokens read is the same set of numbers whoever asks and
 * however often (src/stats/publication/). `lastMonth` is the last whole month it covers.
 */
export const statsPublications = pgTable(
  'stats_publications',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    k: integer('k').notNull(),
    builtAt: timestamp('built_at', { withTimezone: true }).notNull(),
    /** `YYYY-MM`; null when no case had been filed in a whole month yet */
    firstMonth: text('first_month'),
    lastMonth: text('last_month'),
  },
  (t) => [index('stats_publications_built_idx').on(t.builtAt)],
)

/**
 * One published cell, in its published form only: a withheld cell keeps no count (null) but its
 * mark, so nothing that serves the tables can leak it. `figures` holds a league row's derived
 * figures, already cleared by the publication rule.
 */
export const statsPublicationCells = pgTable(
  'stats_publication_cells',
  {
    publicationId: uuid('publication_id')
      .notNull()
      .references(() => statsPublications.id, { onDelete: 'cascade' }),
    /** `public` cells answer anyone; `observatory` cells only observatory tokens */
    audience: text('audience', { enum: ['public', 'observatory'] }).notNull(),
    dimension: text('dimension', { enum: ['total', 'sector', 'category', 'unit'] }).notNull(),
    periodKind: text('period_kind', { enum: ['all', 'last12', 'month', 'week'] }).notNull(),
    geoLevel: text('geo_level', { enum: ['nation', 'department', 'municipality'] }).notNull(),
    /** the department the place lies in ('' for the nation) */
    department: text('department').notNull(),
    /** '' for the nation, else the department or municipality code */
    geo: text('geo').notNull(),
    /** `all`, `last12`, `YYYY-MM`, or the first day of a week of the month */
    period: text('period').notNull(),
    /** the sector, category or unit code; '' for a total */
    code: text('code').notNull(),
    count: integer('count'),
    mark: text('mark', { enum: ['shown', 'small', 'complementary'] }).notNull(),
    figures: jsonb('figures').$type<Record<string, string | number>>(),
  },
  (t) => [primaryKey({ name: 'stats_publication_cells_pk', columns: [t.publicationId, t.dimension, t.periodKind, t.geoLevel, t.department, t.geo, t.period, t.code] })],
)
