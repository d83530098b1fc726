import { z } from 'zod'
import { DIMENSIONS, PERIODS } from '../../stats/stats-query.js'
import { toCsv } from '../../stats/csv.js'

// The answers of the statistics endpoints, for the OpenAPI document; test/api/openapi.test.ts
// parses real answers (public, observatory and admin) with them.

/** a count as published: a number, or "<5" / "x" where withheld */
const Count = z.union([z.number().int(), z.string()])
const Month = z.string().regex(/^\d{4}-\d{2}$/)

export const StatsAnswerSchema = z.object({
  /** the filters of the query, echoed so that a saved answer says what it counts */
  filters: z.record(z.string(), z.string()),
  groupBy: z.array(z.enum(DIMENSIONS)),
  period: z.enum(PERIODS).nullable(),
  /** the smallest count published as is */
  k: z.number().int(),
  total: Count,
  /** the keys of a row, in order (the CSV header) */
  columns: z.array(z.string()),
  /** one per period and grouping: codes, names, and the figures (a count, or the league's times and shares) */
  rows: z.array(z.record(z.string(), z.union([z.string(), z.number()]))),
  /** without a token or with an observatory token: the publication the answer was read from (admins read live tables) */
  publication: z
    .object({
      id: z.uuid(),
      builtAt: z.iso.datetime(),
      months: z.object({ first: Month.nullable(), last: Month.nullable() }),
      /** the league's window */
      window: z.object({ first: Month.nullable(), last: Month.nullable() }).optional(),
    })
    .optional(),
})
type StatsAnswerJson = z.infer<typeof StatsAnswerSchema>

const publication = { id: '8e1f2a3b-4c5d-4e6f-8a7b-9c0d1e2f3a4b', builtAt: '2026-12-01T06:00:00.000Z', months: { first: '2026-01', last: '2026-11' } }

const cases: StatsAnswerJson = {
  filters: { department: '01' },
  groupBy: ['municipality'],
  period: null,
  k: 5,
  total: 50,
  columns: ['municipality', 'municipalityName', 'count'],
  rows: [
    { municipality: '0101', municipalityName: 'Guatemala', count: '<5' },
    { municipality: '0108', municipalityName: 'Mixco', count: 'x' },
    { municipality: '0115', municipalityName: 'Villa Nueva', count: 40 },
  ],
  publication,
}
const LEAGUE_FIGURES = ['cases', 'medianHoursToAcknowledge', 'p90HoursToAcknowledge', 'medianHoursToResolve', 'p90HoursToResolve', 'due', 'resolvedWithinDeadlinePercent']
const timeliness: StatsAnswerJson = {
  filters: {},
  groupBy: ['unit'],
  period: null,
  k: 5,
  total: 46,
  columns: ['unit', 'unitName', ...LEAGUE_FIGURES],
  rows: [{ unit: 'MSPAS-0108', unitName: 'Distrito de Salud Mixco', cases: 7, medianHoursToAcknowledge: 5, p90HoursToAcknowledge: 7.4, medianHoursToResolve: 13, p90HoursToResolve: 15.4, due: 7, resolvedWithinDeadlinePercent: 100 }],
  publication: { ...publication, window: { first: '2026-01', last: '2026-11' } },
}

/** The CSV of an answer as the route writes it: the filters as columns, then the answer's columns. */
const csvOf = (answer: StatsAnswerJson) => {
  const filterColumns = Object.keys(answer.filters).filter((name) => !answer.columns.includes(name))
  return toCsv([...filterColumns, ...answer.columns], answer.rows.map((row) => ({ ...answer.filters, ...row })))
}

/** Examples as the endpoints write them; the OpenAPI test parses each with its schema. */
export const statsExamples = { cases, casesCsv: csvOf(cases), timeliness, timelinessCsv: csvOf(timeliness) }
