import { type Column, type SQL, and, desc, eq, gte, ilike, inArray, lt, lte, or, sql } from 'drizzle-orm'
import { z } from 'zod'
import type { DbOrTx } from '../db/client.js'
import { type CaseStatus, type IdentityMode, type Sector, cases, institutions, municipalities, units } from '../db/schema/index.js'
import { ValidationError } from '../domain-errors.js'
import { redactForStaff } from '../privacy/redact-pii.js'
import { OPEN_STATUSES } from './case-transitions.js'

export type ListCasesOptions = {
  status?: CaseStatus
  sector?: Sector
  category?: string
  /** INE department code */
  department?: string
  /** INE municipality code */
  municipality?: string
  /** filed on or after this Guatemalan day, `YYYY-MM-DD` */
  from?: string
  /** filed on or before this Guatemalan day, `YYYY-MM-DD` */
  to?: string
  /** true: open with the resolution deadline passed at `now`; false: the others */
  overdue?: boolean
  urgent?: boolean
  /** true: cases whose account is a voice note staff must listen to ("escuchar") */
  needsListening?: boolean
  /** `staff:<contactId>` or `token:<name>`, as stored; `none` for cases nobody was assigned */
  assignee?: string
  /** words searched in the description and the facility */
  q?: string
  /** only cases assigned to these units (an institution's view); an empty list matches nothing */
  unitIds?: readonly string[]
  /**
   * `masked` (institutions): the search and the texts see what staff see, phone numbers and
   * names masked, so a search cannot find out what the mask hides. `original`: admins.
   */
  text?: 'masked' | 'original'
  /** the instant `overdue` is measured at */
  now?: Date
  /** `nextCursor` of the previous page */
  cursor?: string
  /** page size, 50 by default, at most `maxLimit` */
  limit?: number
  /** 200 for pages; an export asks for more */
  maxLimit?: number
}

/** One line of a case list: no description and nothing about who complained but a pseudonym. */
export type CaseSummary = {
  code: string
  identityMode: IdentityMode
  /** how staff refer to the citizen of a confidential case; null otherwise */
  pseudonym: string | null
  sector: Sector
  category: string
  departmentCode: string
  municipalityCode: string
  municipality: string
  status: CaseStatus
  urgent: boolean
  /** the account is a voice note in the evidence: someone must listen to it */
  needsListening: boolean
  unit: string | null
  institution: string | null
  assignee: string | null
  /** the resolution deadline */
  dueAt: Date | null
  /** the first-response deadline; null once answered */
  responseDueAt: Date | null
  respondedAt: Date | null
  createdAt: Date
  updatedAt: Date
}

/** A line of an export: the summary with the citizen's words (masked unless `original`). */
export type CaseExportRow = CaseSummary & { facility: string; description: string }

export type CasePage = { items: CaseSummary[]; nextCursor: string | null }

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 200

// The cursor keeps created_at as Postgres prints it, to the microsecond: a JavaScript Date would
// round to milliseconds and skip or repeat rows created within the same millisecond.
const CursorSchema = z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/), z.uuid()])

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url')
}

function decodeCursor(cursor: string): [string, string] {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')))
  } catch {
    throw new ValidationError('invalid cursor: pass the nextCursor of a previous page unchanged')
  }
}

/** The first instant of a Guatemalan day (UTC-6 all year, as guatemala-date.ts notes). */
function guatemalaDayStart(day: string, plusDays = 0): Date {
  const start = new Date(`${day}T06:00:00.000Z`)
  if (Number.isNaN(start.getTime())) throw new ValidationError(`invalid date ${day}: use YYYY-MM-DD`)
  return new Date(start.getTime() + plusDays * 86_400_000)
}

/** `%` and `_` typed by a user are letters, not wildcards. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`
}

/** Lower case, no accents: how a search for "atencion" finds "atención". */
function fold(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase()
}

function conditionsOf(options: ListCasesOptions): SQL[] {
  const conditions: SQL[] = []
  if (options.status) conditions.push(eq(cases.status, options.status))
  if (options.sector) conditions.push(eq(cases.sector, options.sector))
  if (options.category) conditions.push(eq(cases.category, options.category))
  if (options.department) conditions.push(eq(municipalities.departmentCode, options.department))
  if (options.municipality) conditions.push(eq(cases.municipalityCode, options.municipality))
  if (options.from) conditions.push(gte(cases.createdAt, guatemalaDayStart(options.from)))
  if (options.to) conditions.push(lt(cases.createdAt, guatemalaDayStart(options.to, 1)))
  if (options.urgent !== undefined) conditions.push(eq(cases.urgent, options.urgent))
  if (options.needsListening !== undefined) conditions.push(eq(cases.needsListening, options.needsListening))
  if (options.assignee === 'none') conditions.push(sql`${cases.assignee} is null`)
  else if (options.assignee) conditions.push(eq(cases.assignee, options.assignee))
  if (options.overdue !== undefined) {
    const overdue = and(inArray(cases.status, [...OPEN_STATUSES]), lte(cases.dueAt, options.now ?? new Date()))
    conditions.push(options.overdue ? (overdue ?? sql`false`) : sql`not coalesce(${overdue}, false)`)
  }
  if (options.q) {
    // A first sieve on the stored text; masked searches are checked again on the masked text.
    const words = fold(options.q).split(/\s+/).filter(Boolean)
    for (const word of words) {
      const pattern = likePattern(word)
      const unaccented = (column: Column) => sql`translate(lower(${column}), 'áéíóúüñ', 'aeiouun')`
      conditions.push(or(ilike(unaccented(cases.description), pattern), ilike(unaccented(cases.facility), pattern)) ?? sql`false`)
    }
  }
  if (options.unitIds) conditions.push(inArray(cases.unitId, [...options.unitIds]))
  return conditions
}

function selectRows(db: DbOrTx, conditions: SQL[], limit: number) {
  return db
    .select({
      id: cases.id,
      createdAtText: sql<string>`${cases.createdAt}::text`,
      code: cases.code,
      identityMode: cases.identityMode,
      pseudonym: cases.pseudonym,
      sector: cases.sector,
      category: cases.category,
      departmentCode: municipalities.departmentCode,
      municipalityCode: cases.municipalityCode,
      municipality: municipalities.name,
      status: cases.status,
      urgent: cases.urgent,
      needsListening: cases.needsListening,
      unit: units.name,
      institution: institutions.name,
      assignee: cases.assignee,
      dueAt: cases.dueAt,
      responseDueAt: cases.responseDueAt,
      respondedAt: cases.respondedAt,
      createdAt: cases.createdAt,
      updatedAt: cases.updatedAt,
      facility: cases.facility,
      description: cases.description,
    })
    .from(cases)
    .innerJoin(municipalities, eq(municipalities.code, cases.municipalityCode))
    .leftJoin(units, eq(units.id, cases.unitId))
    .leftJoin(institutions, eq(institutions.id, units.institutionId))
    .where(and(...conditions))
    .orderBy(desc(cases.createdAt), desc(cases.id))
    .limit(limit)
}

type Row = Awaited<ReturnType<typeof selectRows>>[number]

/**
 * Lists cases newest first, a page at a time, with their texts; follow `nextCursor` until it is
 * null. Unknown filters never get here: the API refuses them.
 */
export async function listCaseRows(db: DbOrTx, options: ListCasesOptions = {}): Promise<{ items: (CaseExportRow & { id: string })[]; nextCursor: string | null }> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_LIMIT), 1), options.maxLimit ?? MAX_LIMIT)
  if (options.unitIds !== undefined && options.unitIds.length === 0) return { items: [], nextCursor: null }
  const masked = options.text !== 'original'
  const words = options.q ? fold(options.q).split(/\s+/).filter(Boolean) : []
  const textOf = (row: Pick<Row, 'facility' | 'description' | 'identityMode'>) => ({
    facility: masked ? redactForStaff(row.facility, row.identityMode) : row.facility,
    description: masked ? redactForStaff(row.description, row.identityMode) : row.description,
  })
  const matches = (row: Row) => {
    if (words.length === 0 || !masked) return true
    const seen = fold(`${textOf(row).description} ${textOf(row).facility}`)
    return words.every((word) => seen.includes(word))
  }

  const kept: Row[] = []
  let cursor = options.cursor
  let more = true
  // A masked search may drop rows the stored text matched, so it reads on until the page is full.
  while (more && kept.length <= limit) {
    const conditions = conditionsOf(options)
    if (cursor) {
      const [createdAt, id] = decodeCursor(cursor)
      conditions.push(sql`(${cases.createdAt}, ${cases.id}) < (${createdAt}::timestamptz, ${id}::uuid)`)
    }
    const batch = await selectRows(db, conditions, limit + 1)
    more = batch.length > limit && words.length > 0 && masked
    for (const row of batch) if (matches(row)) kept.push(row)
    const last = batch.at(-1)
    if (!more || !last) break
    cursor = encodeCursor(last.createdAtText, last.id)
  }

  const page = kept.slice(0, limit)
  const last = page.at(-1)
  const nextCursor = kept.length > limit && last ? encodeCursor(last.createdAtText, last.id) : null
  const items = page.map(({ createdAtText: _text, ...row }) => ({ ...row, ...textOf(row) }))
  return { items, nextCursor }
}

/** Lists cases newest first, a page at a time, without their texts; follow `nextCursor` until it is null. */
export async function listCases(db: DbOrTx, options: ListCasesOptions = {}): Promise<CasePage> {
  const { items, nextCursor } = await listCaseRows(db, options)
  return { items: items.map(({ id: _id, facility: _f, description: _d, ...summary }) => summary), nextCursor }
}
