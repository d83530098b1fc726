import type { StatsQuery } from '../stats-query.js'

/** Who is asking: anyone (no token) or an observatory token. Admins read the live tables. */
export type Audience = 'public' | 'observatory'

/** A question the stored publication answers, once the query has been matched to one of its tables. */
export type PublishedQuestion =
  | { table: 'cases'; periodKind: 'month' | 'week' | 'all'; breakdown: 'sector' | 'category' | 'total' }
  | { table: 'places'; level: 'department' | 'municipality' }
  | { table: 'league'; window: 'all' | 'last12' }

/** The tables each audience may read, as a refusal names them. */
export const PUBLISHED_TABLES: Record<Audience, string[]> = {
  public: [
    'cases?period=month&groupBy=sector[&department=DD][&municipality=MMMM]',
    'cases?period=month[&department=DD][&municipality=MMMM]',
    'cases?groupBy=sector|category[&department=DD][&municipality=MMMM]',
    'cases?groupBy=department',
    'cases?groupBy=municipality|department,municipality[&department=DD]',
    'timeliness?groupBy=unit[&from=<first day of the twelve-month window>]',
  ],
  observatory: ['cases?period=week&groupBy=sector[&department=DD][&municipality=MMMM]', 'cases?period=month&groupBy=category[&department=DD][&municipality=MMMM]'],
}

/** Why a question is not in the publication: the tables an audience may ask for instead. */
export function refusalFor(audience: Audience): string {
  const tables = audience === 'public' ? PUBLISHED_TABLES.public : [...PUBLISHED_TABLES.public, ...PUBLISHED_TABLES.observatory]
  const who = audience === 'public' ? 'Without a token' : 'With an observatory token'
  return `${who}, statistics are read from the monthly publication, whose tables are: ${tables.join('; ')}. Whole months only: no from/to (other than the league's window), no other filters or groupings.`
}

const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i])

/**
 * Matches a /cases query to a table of the publication, or null when the publication has no such
 * table: no free filters (sector, category, status, unit, institution), no from/to, no days.
 * Filters by place pick rows of a table, which tells nothing the table does not.
 */
export function casesQuestion(query: StatsQuery, audience: Audience): PublishedQuestion | null {
  const free = query.sector ?? query.category ?? query.status ?? query.institution ?? query.unit ?? query.from ?? query.to
  if (free !== undefined) return null
  const dims = query.groupBy ?? []
  const place = query.municipality !== undefined || query.department !== undefined
  const observatory = audience === 'observatory'
  if (query.period === 'month') {
    if (same(dims, ['sector'])) return { table: 'cases', periodKind: 'month', breakdown: 'sector' }
    if (dims.length === 0) return { table: 'cases', periodKind: 'month', breakdown: 'total' }
    if (observatory && same(dims, ['category'])) return { table: 'cases', periodKind: 'month', breakdown: 'category' }
    return null
  }
  if (query.period === 'week') {
    if (!observatory) return null
    if (same(dims, ['sector'])) return { table: 'cases', periodKind: 'week', breakdown: 'sector' }
    if (dims.length === 0) return { table: 'cases', periodKind: 'week', breakdown: 'total' }
    return null
  }
  if (query.period !== undefined) return null
  if (same(dims, ['sector'])) return { table: 'cases', periodKind: 'all', breakdown: 'sector' }
  if (same(dims, ['category'])) return { table: 'cases', periodKind: 'all', breakdown: 'category' }
  if (same(dims, ['department']) && !place) return { table: 'places', level: 'department' }
  if ((same(dims, ['municipality']) || same(dims, ['department', 'municipality'])) && query.municipality === undefined) return { table: 'places', level: 'municipality' }
  return null
}

/**
 * Matches a /timeliness query to the league: by unit, over all published months, or over the
 * last twelve when `from` names the window's first month (or the month after it, which is what
 * "eleven months before this one" gives while the running month is not published).
 */
export function leagueQuestion(query: StatsQuery, windowFirst: string | null): PublishedQuestion | null {
  const free = query.sector ?? query.category ?? query.status ?? query.institution ?? query.unit ?? query.to ?? query.department ?? query.municipality ?? query.period
  if (free !== undefined) return null
  if (!same(query.groupBy ?? ['unit'], ['unit'])) return null
  if (query.from === undefined) return { table: 'league', window: 'all' }
  if (windowFirst === null) return null
  const accepted = [windowFirst, nextMonth(windowFirst)].map((month) => `${month}-01`)
  return accepted.includes(query.from) ? { table: 'league', window: 'last12' } : null
}

function nextMonth(month: string): string {
  const [year, mon] = month.split('-').map(Number)
  return new Date(Date.UTC(year ?? 1970, mon ?? 1, 1)).toISOString().slice(0, 7)
}
